// The language picker: a link in the menu bar to the same page in the other edition. The
// English book is at the site's root and each translation in a folder of its own (`ko/`),
// with the same file names, so the page's path from its edition's root is all it needs.
(function () {
    "use strict";
    const editions = [
        { lang: "en", name: "English", folder: "" },
        { lang: "ko", name: "한국어", folder: "ko/" },
    ];
    const here = editions.find((e) => e.lang === document.documentElement.lang) || editions[0];
    // `path_to_root` is mdBook's: from this page to its edition's root.
    const root = new URL(path_to_root || "./", window.location.href);
    const page = window.location.href.startsWith(root.href)
        ? window.location.href.slice(root.href.length)
        : "";
    const siteRoot = new URL(here.folder.replace(/[^/]+\//g, "../") || "./", root);
    const buttons = document.querySelector(".right-buttons");
    if (!buttons) {
        return;
    }
    for (const edition of editions) {
        if (edition === here) {
            continue;
        }
        const link = document.createElement("a");
        link.className = "lang-picker";
        link.href = new URL(edition.folder + page, siteRoot).href;
        link.hreflang = edition.lang;
        link.lang = edition.lang;
        link.textContent = edition.name;
        link.title = edition.name;
        link.setAttribute("aria-label", `${edition.name} (${edition.lang})`);
        buttons.prepend(link);
    }
})();
