// WebAuthn ceremonies for forms marked data-webauthn="create" or "get".
//
// The form carries data-webauthn-options: the URL of a page handler that answers (to a POST with the
// form's antiforgery token) { challengeId, options } where options is the server's
// PublicKeyCredentialCreationOptions / RequestOptions as JSON with base64url strings for binary fields.
// The browser's answer is written back as JSON (base64url again) into the hidden "Credential" field, the
// challenge id into "ChallengeId", and the form is submitted as an ordinary post. Every check happens on the
// server; this file only converts between JSON and the ArrayBuffers the browser API wants.
"use strict";

(() => {
    const toBuffer = (b64url) => {
        const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((b64url.length + 3) % 4);
        const bin = atob(b64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        return bytes.buffer;
    };

    const toBase64Url = (buffer) => {
        const bytes = new Uint8Array(buffer);
        let bin = "";
        for (const b of bytes) bin += String.fromCharCode(b);
        return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    };

    const creationOptions = (o) => ({
        ...o,
        challenge: toBuffer(o.challenge),
        user: { ...o.user, id: toBuffer(o.user.id) },
        excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: toBuffer(c.id) })),
    });

    const requestOptions = (o) => ({
        ...o,
        challenge: toBuffer(o.challenge),
        allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: toBuffer(c.id) })),
    });

    const attestationJson = (cred) => JSON.stringify({
        id: cred.id,
        rawId: toBase64Url(cred.rawId),
        type: cred.type,
        response: {
            attestationObject: toBase64Url(cred.response.attestationObject),
            clientDataJSON: toBase64Url(cred.response.clientDataJSON),
            transports: typeof cred.response.getTransports === "function" ? cred.response.getTransports() : [],
        },
        clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
    });

    const assertionJson = (cred) => {
        const response = {
            authenticatorData: toBase64Url(cred.response.authenticatorData),
            clientDataJSON: toBase64Url(cred.response.clientDataJSON),
            signature: toBase64Url(cred.response.signature),
        };
        if (cred.response.userHandle && cred.response.userHandle.byteLength > 0) response.userHandle = toBase64Url(cred.response.userHandle);
        return JSON.stringify({
            id: cred.id,
            rawId: toBase64Url(cred.rawId),
            type: cred.type,
            response,
            clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
        });
    };

    // What the browser's refusal means, in words a person can act on.
    const explain = (error, mode) => {
        switch (error && error.name) {
            case "NotAllowedError":
                return mode === "create"
                    ? "The browser did not create a key: the request was cancelled, timed out, or the key was not touched. Try again."
                    : "No key answered: the request was cancelled or timed out, or the key you used is not registered with this account. Try again with a registered key.";
            case "InvalidStateError":
                return "This key is already registered with your account. Use another key, or give up adding this one.";
            case "SecurityError":
                return "The browser refused because this page's address does not match the site's configured address. Open Bulwark at its real address and try again.";
            case "NotSupportedError":
                return "Your browser or key does not support what this site needs (for a passkey: a key that stores the account and checks a PIN or fingerprint).";
            case "AbortError":
                return "The request was cancelled.";
            default:
                return "The security key request failed" + (error && error.message ? ": " + error.message : ".");
        }
    };

    const start = async (form) => {
        const mode = form.dataset.webauthn;
        const errorBox = form.querySelector("[data-webauthn-error]");
        const show = (message) => {
            if (!errorBox) return;
            errorBox.textContent = message;
            errorBox.hidden = false;
        };
        if (errorBox) errorBox.hidden = true;
        if (!window.PublicKeyCredential || !navigator.credentials) {
            show("This browser does not support security keys or passkeys (WebAuthn). Use another browser, or another way to sign in.");
            return;
        }
        const body = new URLSearchParams();
        const csrf = form.querySelector("input[name=__csrf]");
        if (csrf) body.append("__csrf", csrf.value);
        let ceremony;
        try {
            const answer = await fetch(form.dataset.webauthnOptions, {
                method: "POST",
                body,
                credentials: "same-origin",
                headers: { "Accept": "application/json" },
            });
            if (answer.redirected) {
                // The server wants a fresh sign-in or a device confirmation first: reload the page, whose
                // own request is sent there and brought back here afterwards.
                window.location.reload();
                return;
            }
            ceremony = await answer.json();
            if (!answer.ok) {
                show(ceremony && ceremony.error ? ceremony.error : "The server could not start the request (" + answer.status + "). Reload the page and try again.");
                return;
            }
        } catch {
            show("Could not reach the server. Check your connection and try again.");
            return;
        }
        const options = JSON.parse(ceremony.options);
        let credential;
        try {
            credential = mode === "create"
                ? await navigator.credentials.create({ publicKey: creationOptions(options) })
                : await navigator.credentials.get({ publicKey: requestOptions(options) });
        } catch (error) {
            show(explain(error, mode));
            return;
        }
        if (!credential) {
            show(explain(null, mode));
            return;
        }
        form.querySelector("input[name=ChallengeId]").value = ceremony.challengeId;
        form.querySelector("input[name=Credential]").value = mode === "create" ? attestationJson(credential) : assertionJson(credential);
        form.submit();
    };

    document.addEventListener("DOMContentLoaded", () => {
        for (const form of document.querySelectorAll("form[data-webauthn]")) {
            form.addEventListener("submit", (event) => {
                event.preventDefault();
                const button = form.querySelector("button[type=submit]");
                if (button) button.disabled = true;
                start(form).finally(() => { if (button) button.disabled = false; });
            });
        }
    });
})();
