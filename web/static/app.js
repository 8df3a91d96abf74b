// gongkai workbench: click a number, see its cell in the original (and back).
// The original is a sandboxed frame without scripts; pointing it at "#gk-<key>" lets its
// own CSS (:target) draw the highlight and the browser scroll to the cell.
(function () {
  "use strict";
  var dataEl = document.getElementById("gk-data");
  if (!dataEl) { return; }
  var data = JSON.parse(dataEl.textContent);
  var frame = document.getElementById("source");
  var info = document.getElementById("cellinfo");

  function show(key) {
    var cell = data.cells[key] || {};
    var buttons = document.querySelectorAll("button.num");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].classList.toggle("selected", buttons[i].getAttribute("data-key") === key);
    }
    info.textContent = "";
    var head = document.createElement("b");
    head.textContent = (cell.label || key) + "：" + (cell.raw === null || cell.raw === undefined || cell.raw === "" ? "（空）" : cell.raw);
    info.appendChild(head);
    info.appendChild(document.createTextNode(" · " + key + (cell.where ? " · " + cell.where : "") +
      (cell.found ? "" : " · 原件中未能定位此单元格")));
    frame.setAttribute("src", data.view + "#gk-" + key);
    if (history.replaceState) { history.replaceState(null, "", "#" + encodeURIComponent(key)); }
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target.closest ? ev.target.closest("button.num") : null;
    if (t) { ev.preventDefault(); show(t.getAttribute("data-key")); }
  });
  if (location.hash.length > 1) {
    var key = decodeURIComponent(location.hash.slice(1));
    if (data.cells[key]) { show(key); }
  }
})();
