// Progressive enhancements only: every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
    // Copy buttons: <button data-copy="input-id" hidden>. Shown only when the clipboard API exists.
    for (const button of document.querySelectorAll("button[data-copy]")) {
        const target = document.getElementById(button.dataset.copy);
        if (!target || !navigator.clipboard) continue;
        button.hidden = false;
        button.addEventListener("click", async () => {
            const text = "value" in target ? target.value : target.textContent;
            try {
                await navigator.clipboard.writeText(text.trim());
                const label = button.textContent;
                button.textContent = "Copied";
                setTimeout(() => { button.textContent = label; }, 1500);
            } catch {
                target.select?.();
            }
        });
    }

    // Destructive forms: the submit button stays disabled until the confirmation field matches.
    // The server checks the typed name again; this only saves a round trip.
    for (const input of document.querySelectorAll("input[data-confirm-expected]")) {
        const form = input.form;
        const submit = form?.querySelector("button[type=submit]");
        if (!submit) continue;
        const update = () => { submit.disabled = input.value.trim() !== input.dataset.confirmExpected; };
        input.addEventListener("input", update);
        update();
    }
});
