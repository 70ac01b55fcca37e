"""Reading boundary files: layouts, levels, parents, projections and bad files.

Small synthetic boundary files are written on the fly where a layout must be
shown; ../shared/geo/ukraine has a real geoBoundaries layer.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

from frontlines.places.boundaries import import_boundaries


def test_geoboundaries_layout_imports_27_oblasts(shared: Path) -> None:
    path = shared / "geo" / "ukraine" / "geoBoundaries-UKR-ADM1_simplified.geojson"
    units = import_boundaries(path)
    assert len(units) == 27
    assert {u.level for u in units} == {"admin1"}
    kherson = next(u for u in units if u.name == "Kherson Oblast")
    assert kherson.id.startswith("14850775") and kherson.admin1 == kherson.id
    assert "Kherson" in kherson.alt_names  # the bare name, without "Oblast"
    assert kherson.source and kherson.source.startswith("geoboundaries:")


def test_geoboundaries_units_find_their_parent_by_point_in_polygon(tmp_path: Path) -> None:
    provinces = gpd.GeoDataFrame(
        {"ADM1_PCODE": ["T01", "T02"], "ADM1_EN": ["West", "East"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326,
    )
    districts = gpd.GeoDataFrame(
        {"shapeName": ["Alpha", "Beta"], "shapeID": ["G1", "G2"], "shapeType": ["ADM2", "ADM2"],
         "shapeGroup": ["XYZ", "XYZ"]},
        geometry=[box(0.1, 0.1, 0.4, 0.4), box(1.5, 0.5, 1.9, 0.9)], crs=4326,
    )
    provinces.to_file(tmp_path / "adm1.geojson", driver="GeoJSON")
    districts.to_file(tmp_path / "gb_adm2.geojson", driver="GeoJSON")
    known = import_boundaries(tmp_path / "adm1.geojson")
    units = {u.id: u for u in import_boundaries(tmp_path / "gb_adm2.geojson", known)}
    assert units["G1"].parent_id == "T01" and units["G1"].admin1 == "T01"
    assert units["G2"].parent_id == "T02" and units["G2"].admin2 == "G2"


def test_geopackage_layers_in_a_zip_are_reprojected_and_sorted(tmp_path: Path) -> None:
    """A zipped GeoPackage with both levels, in Web Mercator: read, reprojected, parents first."""
    mercator = 3857
    adm2 = gpd.GeoDataFrame(
        {"ADM2_PCODE": ["T0101"], "ADM2_EN": ["Centreville"], "ADM2ALT1EN": ["Centrevil"],
         "ADM2_FR": ["Villecentre"], "ADM1_PCODE": ["T01"]},
        geometry=[box(0.1, 0.1, 0.4, 0.4)], crs=4326,
    ).to_crs(mercator)
    adm1 = gpd.GeoDataFrame({"ADM1_PCODE": ["T01"], "ADM1_EN": ["Westland"]},
                            geometry=[box(0, 0, 1, 1)], crs=4326).to_crs(mercator)
    package = tmp_path / "country.gpkg"
    adm2.to_file(package, layer="districts", driver="GPKG")
    adm1.to_file(package, layer="provinces", driver="GPKG")
    archive = tmp_path / "country.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(package, "country.gpkg")
    units = import_boundaries(archive)
    assert [u.level for u in units] == ["admin1", "admin2"]
    district = units[1]
    assert district.parent_id == "T01" and district.admin1 == "T01"
    assert {"Centrevil", "Villecentre"} <= set(district.alt_names)
    assert district.lat is not None and 0.1 < district.lat < 0.4  # degrees again

