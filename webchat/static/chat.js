/* heard web chat: progressive enhancement. Without this file every form still works (POST, then
   a redirect to the new page). With it, answers go by fetch and only <main> is replaced, so the
   page feels like a chat: no reload, the newest message scrolled into view, focus on the question. */
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.FormData) { return; }
  var busy = false;
  var CALM_MS = 600;  // just after a new question appears, a tap is the second half of a double tap
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.getAttribute("action") !== "/chat") { return; }
    event.preventDefault();
    // A double tap answers once: the second tap lands while the first is on its way, or (on a quick
    // connection) on the next question's button in the same place, which nobody has read yet.
    if (busy || document.getElementById("main").hasAttribute("data-calm")) { return; }
    busy = true;
    var data = new FormData(form);
    var by = event.submitter;
    if (by && by.name) { data.append(by.name, by.value); }
    var main = document.getElementById("main");
    main.setAttribute("aria-busy", "true");
    main.classList.add("typing");
    fetch("/chat", { method: "POST", body: new URLSearchParams(data), credentials: "same-origin", redirect: "follow" })
      .then(function (response) { return response.text().then(function (html) { return [response, html]; }); })
      .then(function (pair) {
        var page = new DOMParser().parseFromString(pair[1], "text/html");
        var fresh = page.getElementById("main");
        if (!fresh) { window.location.assign(pair[0].url || "/chat"); return; }
        var before = main.querySelectorAll(".log .bubble").length;
        main.innerHTML = fresh.innerHTML;
        document.documentElement.lang = page.documentElement.lang;
        document.title = page.title;
        var top = page.querySelector(".top"), here = document.querySelector(".top");
        if (top && here) { here.innerHTML = top.innerHTML; }  // the header follows the language too
        var bubbles = main.querySelectorAll(".log .bubble");
        for (var i = before; i < bubbles.length; i++) { bubbles[i].classList.add("new"); }
        // Answered from another page (Stop or Delete on /chat/help): the address follows, so reloading shows where
        // they are now, not the "are you sure?" they have just answered. Notes stay out of it (a shared phone's history).
        if (window.location.pathname !== "/chat" || window.location.search) { window.history.replaceState(null, "", "/chat"); }
        main.setAttribute("data-calm", "");
        window.setTimeout(function () { main.removeAttribute("data-calm"); }, CALM_MS);
        var now = document.getElementById("now");
        if (now) { now.scrollIntoView({ block: "center" }); now.focus({ preventScroll: true }); }
      })
      .catch(function () {  // the network hiccuped: fall back to a plain post, with the button they pressed
        if (by && by.name && form.isConnected) {
          var pressed = document.createElement("input");
          pressed.type = "hidden"; pressed.name = by.name; pressed.value = by.value;
          form.appendChild(pressed);
        }
        form.submit();
      })
      .then(function () { busy = false; main.removeAttribute("aria-busy"); main.classList.remove("typing"); });
  });
  // The answer box stops at its limit without a word: say so, so a long answer is never cut off unnoticed.
  document.addEventListener("input", function (event) {
    var box = event.target, note = document.getElementById("full");
    if (!(box instanceof HTMLTextAreaElement) || !note || box.maxLength <= 0) { return; }
    var say = box.value.length >= box.maxLength ? note.getAttribute("data-full") : "";
    if (note.textContent !== say) { note.textContent = say; }
  });
  var now = document.getElementById("now");
  if (now && window.location.hash === "#now") { now.scrollIntoView({ block: "center" }); }
})();
