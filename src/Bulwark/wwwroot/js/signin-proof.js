// Proof of work for password sign-in, when Bulwark's limits ask for it (PasswordSignIn, ProofOfWork).
//
// #login-form carries data-proof-url. Before the form is sent, this script posts the username there (with
// the antiforgery field) and gets { token, bits }. With token null the form is sent as it is. Otherwise it
// searches for a 64-bit counter such that SHA-256(SHA-256(token) || counter, big-endian) starts with `bits`
// zero bits, writes the token and the counter (16 hex digits) into the hidden ProofToken and ProofNonce
// fields, and sends the form. When the server already put a challenge into the page (data-proof-token,
// after it asked for one), the search starts at once, while the password is typed again.
// The server checks everything; without this script the page says how else to sign in.
"use strict";

(() => {
    const K = new Uint32Array([
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]);
    const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    const schedule = new Int32Array(64);

    // One SHA-256 compression: `state` (8 words) absorbs `block` (16 words). Written out with plain local
    // variables and 32-bit integer arithmetic, which script engines run fast.
    const compress = (state, block) => {
        const w = schedule;
        for (let i = 0; i < 16; i++) w[i] = block[i];
        for (let i = 16; i < 64; i++) {
            const x = w[i - 15], y = w[i - 2];
            const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
            const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
            w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
        }
        let a = state[0] | 0, b = state[1] | 0, c = state[2] | 0, d = state[3] | 0;
        let e = state[4] | 0, f = state[5] | 0, g = state[6] | 0, h = state[7] | 0;
        for (let i = 0; i < 64; i++) {
            const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
            const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
            const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
            const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
            h = g; g = f; f = e; e = (d + t1) | 0;
            d = c; c = b; b = a; a = (t1 + t2) | 0;
        }
        state[0] = (state[0] + a) | 0; state[1] = (state[1] + b) | 0; state[2] = (state[2] + c) | 0; state[3] = (state[3] + d) | 0;
        state[4] = (state[4] + e) | 0; state[5] = (state[5] + f) | 0; state[6] = (state[6] + g) | 0; state[7] = (state[7] + h) | 0;
    };

    // SHA-256 of a byte array, as 8 words.
    const sha256 = (bytes) => {
        const blocks = Math.ceil((bytes.length + 9) / 64);
        const padded = new Uint8Array(blocks * 64);
        padded.set(bytes);
        padded[bytes.length] = 0x80;
        const view = new DataView(padded.buffer);
        view.setUint32(padded.length - 4, bytes.length * 8);
        const state = new Int32Array(INITIAL);
        const block = new Int32Array(16);
        for (let offset = 0; offset < padded.length; offset += 64) {
            for (let i = 0; i < 16; i++) block[i] = view.getUint32(offset + i * 4);
            compress(state, block);
        }
        return state;
    };

    const leadingZeroBits = (state) => {
        let bits = 0;
        for (const word of state) {
            const z = Math.clz32(word >>> 0);
            bits += z;
            if (z < 32) break;
        }
        return bits;
    };

    // Searches in slices, yielding to the page between them so it stays responsive.
    const solve = async (token, bits, progress) => {
        const prefix = sha256(new TextEncoder().encode(token));
        // The 40-byte message fits one block: prefix (8 words), counter (2 words), padding, length 320 bits.
        const block = new Int32Array(16);
        block.set(prefix);
        block[10] = 0x80000000 | 0;
        block[15] = 320;
        const state = new Int32Array(8);
        let high = 0, low = 0, tried = 0;
        for (;;) {
            for (let i = 0; i < 20000; i++) {
                block[8] = high | 0;
                block[9] = low | 0;
                state.set(INITIAL);
                compress(state, block);
                if (leadingZeroBits(state) >= bits) {
                    return high.toString(16).padStart(8, "0") + low.toString(16).padStart(8, "0");
                }
                low = (low + 1) >>> 0;
                if (low === 0) high = (high + 1) >>> 0;
            }
            tried += 20000;
            progress(Math.min(99, Math.floor((100 * tried) / 2 ** bits)));
            await new Promise((resolve) => setTimeout(resolve, 0));
        }
    };

    const ask = async (form) => {
        const body = new URLSearchParams();
        const csrf = form.querySelector("input[name=__csrf]");
        if (csrf) body.append("__csrf", csrf.value);
        body.append("Username", form.querySelector("input[name=Username]").value);
        const answer = await fetch(form.dataset.proofUrl, {
            method: "POST",
            body,
            credentials: "same-origin",
            headers: { "Accept": "application/json" },
        });
        return answer.ok ? await answer.json() : null;
    };

    document.addEventListener("DOMContentLoaded", () => {
        const form = document.getElementById("login-form");
        if (!form || !form.dataset.proofUrl) return;
        const status = form.querySelector("[data-proof-status]");
        const show = (text) => {
            if (!status) return;
            status.textContent = text;
            status.hidden = false;
        };
        const start = (token, bits) => {
            show("Your browser is solving a short puzzle before the password is checked…");
            return solve(token, bits, (percent) => show(`Your browser is solving a short puzzle before the password is checked… (about ${percent}%)`))
                .then((nonce) => ({ token, nonce }));
        };
        let embedded = form.dataset.proofToken ? start(form.dataset.proofToken, Number(form.dataset.proofBits)) : null;

        form.addEventListener("submit", async (event) => {
            event.preventDefault();
            const button = form.querySelector("button[type=submit]");
            if (button) button.disabled = true;
            let proof = null;
            try {
                if (embedded) {
                    proof = await embedded;
                    embedded = null;
                } else {
                    const challenge = await ask(form);
                    if (challenge && challenge.token) proof = await start(challenge.token, challenge.bits);
                }
            } catch {
                // Sent without a proof; the server asks again if it needs one.
            }
            if (proof) {
                form.querySelector("input[name=ProofToken]").value = proof.token;
                form.querySelector("input[name=ProofNonce]").value = proof.nonce;
                show("Puzzle solved. Signing in…");
            }
            form.submit();
        });
    });
})();
