// The API docs (/docs): Swagger UI, from our own copy, over the server's OpenAPI schema.
// A file of its own rather than an inline script, so that /docs runs under the same
// Content-Security-Policy as the map (script-src 'self': no inline code runs).
"use strict";

window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
