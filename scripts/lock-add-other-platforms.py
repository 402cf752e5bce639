#!/usr/bin/env python3
# The registry mirror here serves only this platform's native packages, so npm cannot record the
# other platforms' optional binaries and `npm ci` then refuses the lock. After `npm install`, run
# `npm ci 2>ci.log; python3 scripts/lock-add-other-platforms.py package-lock.json ci.log`: it adds
# those optional entries (version, os, cpu) so that npm ci skips them on Linux.
import json, re, sys
lock_path, log_path = sys.argv[1], sys.argv[2]
lock = json.load(open(lock_path))
pk = lock['packages']
missing = re.findall(r'Missing: (\S+?)@(\S*) from lock file', open(log_path).read())
# version: from whichever package declares it as optional dependency
decl = {}
for path, meta in pk.items():
    for name, ver in (meta.get('optionalDependencies') or {}).items():
        decl.setdefault(name, ver)
def platform(name):
    n = name.split('/')[-1]
    os_ = next((o for o in ['darwin','win32','linux','android','freebsd','openbsd','sunos','aix','netbsd','wasm'] if o in n), None)
    cpu = next((c for c in ['arm64','x64','ia32','arm','ppc64','s390x','riscv64','loong64','wasm32'] if re.search(r'(^|-)'+c+r'($|-|eabi|gnu|msvc|musl)', n)), None)
    return os_, cpu
added = 0
for name, _ in missing:
    key = 'node_modules/' + name
    if key in pk: continue
    ver = decl.get(name)
    if not ver: print('no version for', name); continue
    os_, cpu = platform(name)
    entry = {'version': ver.lstrip('^~='), 'optional': True}
    if os_ == 'wasm' or 'wasm' in name: entry['cpu'] = ['wasm32']
    else:
        if os_: entry['os'] = [os_]
        if cpu: entry['cpu'] = [cpu]
    if 'musl' in name: entry['libc'] = ['musl']
    elif 'gnu' in name: entry['libc'] = ['glibc']
    pk[key] = entry; added += 1
lock['packages'] = dict(sorted(pk.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open(lock_path, 'w'), indent=2); open(lock_path, 'a').write('\n')
print('added', added)
