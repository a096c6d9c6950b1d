// MathJax settings, read by MathJax when it loads (this file comes first).
// Markdown pages: pymdownx.arithmatex writes maths as \( \) and \[ \].
// Notebook pages: nbconvert leaves $ $ and $$ $$ in the text of markdown cells,
// often nested in <p> and <li>, so the whole page is searched (code, pre and
// script are skipped by MathJax). A literal dollar in prose must be written \$;
// tests/site checks that no page shows an untypeset $ or \(.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: "tex2jax_ignore",
  },
  // Each formula carries its own glyphs: instant navigation replaces the page
  // content, and a page-wide glyph cache would be left pointing at nothing.
  svg: { fontCache: "local" },
  startup: {
    typeset: false, // we typeset ourselves, once per page shown (see below)
    ready: function () {
      MathJax.startup.defaultReady();
      // Material for MkDocs replays the current page to a new subscriber and
      // emits again after every instant navigation (the body is swapped
      // without a reload), so each page is typeset once MathJax is ready.
      document$.subscribe(typesetPage);
    },
  },
};

function typesetPage() {
  document.body.setAttribute("data-math", "pending");
  MathJax.startup.promise = MathJax.startup.promise
    .then(function () {
      MathJax.typesetClear();
      MathJax.texReset();
      return MathJax.typesetPromise();
    })
    .then(function () {
      document.body.setAttribute("data-math", "typeset");
    })
    .catch(function (err) {
      console.error("MathJax could not typeset this page:", err);
    });
}
