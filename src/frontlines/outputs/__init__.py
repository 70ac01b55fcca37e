"""What frontlines shows: the front line (and, as the layout moves there, maps, charts
and exports; see DESIGN.md, "A layout that reads like the flow")."""
