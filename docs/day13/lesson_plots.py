"""Make ``fig.show()`` draw Plotly figures both in Jupyter and on the course site.

The site is static and must work offline, so a figure cannot bring its own
copy of plotly.js or fetch one from a CDN. Importing this module registers a
Plotly renderer that puts two things in each output:

* ``application/vnd.plotly.v1+json``: the figure, which JupyterLab draws itself;
* ``text/html``: ``<div class="course-plot" data-figure="...">``, the same
  figure as data, which ``docs/javascripts/plots.js`` draws with the site's
  plotly.js when the page is shown (also after instant navigation).
"""

import html
import json

import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer
from plotly.utils import PlotlyJSONEncoder


class CourseSiteRenderer(MimetypeRenderer):
    def to_mimebundle(self, fig_dict):
        figure = {
            "data": fig_dict.get("data", []),
            "layout": fig_dict.get("layout", {}),
            "config": {"responsive": True, "displaylogo": False},
        }
        height = figure["layout"].get("height", 450)
        payload = html.escape(json.dumps(figure, cls=PlotlyJSONEncoder), quote=True)
        div = (
            f'<div class="course-plot" style="width:100%;height:{int(height)}px" '
            f'data-figure="{payload}"></div>'
        )
        return {"application/vnd.plotly.v1+json": fig_dict, "text/html": div}


pio.renderers["course_site"] = CourseSiteRenderer()
pio.renderers.default = "course_site"
# A clean base style; the site recolours text and grid lines for its palettes.
pio.templates.default = "plotly_white"
