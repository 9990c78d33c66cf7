import os
os.startfile(os.path.join(os.path.dirname(__file__), 'runtime.exe'))
