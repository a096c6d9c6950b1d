// Draws the interactive figures of the lessons with the site's own plotly.js.
//
// A notebook cell that calls fig.show() leaves <div class="course-plot"
// data-figure="{...}"> in the page (see docs/day13/lesson_plots.py): data, no
// script. We draw every such div whenever Material shows a page, on the
// first load and after instant navigation, and redraw the colours when the
// reader switches between the light and the dark palette.

(function () {
  function themeColors() {
    var style = getComputedStyle(document.body);
    return {
      text: style.getPropertyValue("--md-typeset-color").trim() || "#333",
      grid: style.getPropertyValue("--md-default-fg-color--lightest").trim() || "#ddd",
    };
  }

  function themedLayout(layout) {
    var colors = themeColors();
    var themed = Object.assign({}, layout, {
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: Object.assign({}, layout.font, { color: colors.text }),
    });
    Object.keys(themed).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key) || key === "scene") {
        themed[key] = Object.assign({ gridcolor: colors.grid, zerolinecolor: colors.grid }, themed[key]);
      }
    });
    return themed;
  }

  function drawAll() {
    if (!window.Plotly) {
      console.error("plotly.js is missing: the figures cannot be drawn");
      return;
    }
    document.querySelectorAll(".course-plot[data-figure]").forEach(function (el) {
      if (el.getAttribute("data-drawn") === "yes") return;
      var figure = JSON.parse(el.getAttribute("data-figure"));
      var config = Object.assign({ responsive: true, displaylogo: false }, figure.config);
      Plotly.newPlot(el, figure.data, themedLayout(figure.layout || {}), config).then(function () {
        el.setAttribute("data-drawn", "yes");
      });
      el._courseLayout = figure.layout || {};
    });
  }

  function recolorAll() {
    document.querySelectorAll(".course-plot[data-drawn=yes]").forEach(function (el) {
      var colors = themeColors();
      var update = { "font.color": colors.text };
      Object.keys(el.layout || {}).forEach(function (key) {
        if (/^[xy]axis\d*$/.test(key)) {
          update[key + ".gridcolor"] = colors.grid;
          update[key + ".zerolinecolor"] = colors.grid;
        }
      });
      Plotly.relayout(el, update);
    });
  }

  document$.subscribe(drawAll);
  new MutationObserver(recolorAll).observe(document.body, {
    attributes: true,
    attributeFilter: ["data-md-color-scheme"],
  });
})();
