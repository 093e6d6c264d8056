// Campaign Preview: the UI's one small script. Everything works without it; it only adds
// conveniences. It never touches the emails: they are sandboxed iframes it cannot script.
"use strict";

// Opening a finding marks it in its email: load the render with that finding highlighted.
function wireFindings() {
  document.querySelectorAll("details.finding[data-highlight]").forEach(function (el) {
    el.addEventListener("toggle", function () {
      if (!el.open) return;
      var frame = document.querySelector('iframe[name="' + el.dataset.frame + '"]');
      if (frame) frame.src = el.dataset.highlight;
    });
  });
}

// Line numbers beside the campaign editor's textarea, scrolled with it; the line a parse
// error names is shown in red.
function wireEditors() {
  document.querySelectorAll("[data-editor]").forEach(function (editor) {
    var gutter = editor.querySelector(".gutter");
    var area = editor.querySelector("textarea");
    var errorLine = parseInt(editor.dataset.errorLine || "0", 10);
    function draw() {
      var count = area.value.split("\n").length;
      var parts = [];
      for (var i = 1; i <= count; i++) {
        parts.push(i === errorLine ? '<span class="error-line">' + i + "</span>" : String(i));
      }
      gutter.innerHTML = parts.join("\n");
      gutter.style.height = area.offsetHeight + "px";
    }
    area.addEventListener("input", draw);
    area.addEventListener("scroll", function () { gutter.scrollTop = area.scrollTop; });
    area.addEventListener("keydown", function (event) {
      if (event.key !== "Tab" || event.shiftKey) return;
      event.preventDefault();  // Tab indents instead of leaving the editor
      var start = area.selectionStart;
      area.setRangeText("  ", start, area.selectionEnd, "end");
      draw();
    });
    if (typeof ResizeObserver !== "undefined") new ResizeObserver(draw).observe(area);
    draw();
  });
}

// Compare needs exactly two renders: say so instead of sending the form.
function wireCompare() {
  var form = document.getElementById("compare-form");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    var picked = document.querySelectorAll('input[name="r"][form="compare-form"]:checked');
    if (picked.length !== 2) {
      event.preventDefault();
      alert("Tick exactly two renders to compare (" + picked.length + " ticked).");
    }
  });
}

document.addEventListener("DOMContentLoaded", function () {
  wireFindings();
  wireEditors();
  wireCompare();
});
