"""Keep nbconvert's CDN scripts out of the notebook pages.

mkdocs-jupyter renders a notebook with nbconvert's lab template, which puts
two scripts in every page: MathJax 2 from a CDN (with a config block written
for MathJax 2) and an import of mermaid from a CDN. The site must work
offline and already loads its own MathJax 3 (mkdocs.yml, extra_javascript),
so both are removed here. Anything else that still loads a script or a
stylesheet from another host is reported, which fails a strict build.
"""

import logging
import re

log = logging.getLogger("mkdocs.hooks.notebook_scripts")

MATHJAX2_BLOCK = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
MERMAID_MODULE = re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*?</script>', re.S)
REMOTE_ASSET = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.I)


def strip_cdn_scripts(html: str) -> str:
    return MERMAID_MODULE.sub("", MATHJAX2_BLOCK.sub("", html))


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        html = strip_cdn_scripts(html)
    for match in REMOTE_ASSET.finditer(html):
        log.warning("%s loads something from another host: %s", page.file.src_uri, match.group(0))
    return html
