// Kith's interactive API documentation: Swagger UI 5.35.0 (vendored, Apache-2.0) on the
// OpenAPI document named by the page; a script file, since the pages allow no inline script.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
