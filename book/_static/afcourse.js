/* The book's own behaviour, on top of the theme's.
 *
 * The theme's colour button cycles light -> auto -> dark: on a light system, "auto" looks the
 * same as light, so the first click seemed to do nothing. Before the theme's handler runs, the
 * stored mode is set to the one the theme's cycle puts just before the opposite of what the
 * reader sees, so every click visibly switches between light and dark.
 */
(function () {
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".theme-switch-button")) return;
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    var cycle = dark ? ["auto", "light", "dark"] : ["auto", "dark", "light"];  /* the theme's order */
    var wanted = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
    var before = cycle[(cycle.indexOf(wanted) + cycle.length - 1) % cycle.length];
    try { localStorage.setItem("mode", before); } catch (e) { /* no storage: the theme cycles as before */ }
  }, true);
})();
