#!/usr/bin/python3 -I
"""bangui-helper: BanGUI's privileged bridge to fail2ban.

Started by the desktop app as root through pkexec or sudo, it speaks fail2ban's own wire protocol
on stdin/stdout (request = pickled list + <F2B_END_COMMAND>; reply = the server's reply bytes
relayed untouched) and forwards only an allow-list of exact command shapes to the fail2ban socket.

Why it is built this way (see docs/HELPER.md):
- fail2ban-server unpickles whatever reaches its socket, so whoever writes to it runs code as root.
  Requests are therefore decoded with an unpickler that resolves no global at all, checked against
  the allow-list, and pickled again from the checked plain values before they are forwarded.
- The helper never unpickles a relayed reply: it finds where a reply ends by walking the pickle's
  frame structure. The only replies it decodes are those of its own `status` and `get dbfile`
  queries, and those go through the same no-global unpickler.
- Python 3 standard library only, syntax for 3.7+, started with `-I` (no user site, no PYTHON* env).
- Exit status is 0 on EOF and 1/2 on errors: never 126/127, which belong to pkexec.
"""

import configparser
import io
import ipaddress
import os
import pickle
import pickletools
import re
import socket
import sqlite3
import stat
import struct
import subprocess
import sys
import syslog
import time
import urllib.parse

VERSION = '1.0.0'
END = b'<F2B_END_COMMAND>'
CLOSE = b'<F2B_CLOSE_COMMAND>' + END
DEFAULT_SOCKET = '/var/run/fail2ban/fail2ban.sock'
DEFAULT_CONF = '/etc/fail2ban'
FAIL2BAN_CLIENT = '/usr/bin/fail2ban-client'
CLEAN_ENV = {'PATH': '/usr/sbin:/usr/bin:/sbin:/bin', 'LANG': 'C.UTF-8'}

MAX_REQUEST_BYTES = 16 * 1024 * 1024
MAX_ITEMS = 10000
MAX_STR = 4096
MAX_REPLY_BYTES = 512 * 1024 * 1024
SERVER_TIMEOUT_S = 300
RELOAD_TIMEOUT_S = 300
JAIL_CACHE_S = 2.0
DB_MAX_ROWS = 10000
INT32_MAX = 2 ** 31 - 1

# fail2ban's `set`/`get` test these names before jail names: never a jail.
GLOBAL_NAMES = frozenset([
    'loglevel', 'logtarget', 'syslogsocket', 'allowipv6', 'thread', 'dbfile', 'dbmaxmatches',
    'dbpurgeage',
])

# `get J <key>` the app reads (src/main/fail2ban/commands.ts). All read-only.
READ_KEYS = frozenset([
    'bantime', 'findtime', 'maxretry', 'logpath', 'ignoreip', 'failregex', 'actions', 'usedns',
    'banned', 'bantime.increment', 'bantime.factor', 'bantime.formula', 'bantime.multipliers',
    'bantime.maxtime', 'bantime.rndtime', 'bantime.overalljails',
])
# `get <global>` allowed (read-only; the history import needs the database settings).
READ_GLOBALS = frozenset(['dbfile', 'dbpurgeage', 'dbmaxmatches'])
# `set J <key> <int>` with inclusive bounds.
INT_KEYS = {
    'bantime': (-1, INT32_MAX),
    'findtime': (1, INT32_MAX),
    'maxretry': (1, 1000000),
}
STATUS_FLAVORS = frozenset(['short', 'basic'])
RELOAD_FLAGS = frozenset(['--restart', '--unban'])
IP_CHARS = re.compile(r'^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$')


class Refused(Exception):
    """A request outside the allow-list: answered with PermissionError, nothing sent."""


class ServerError(Exception):
    """The fail2ban socket could not be used for this request."""


# ------------------------------------------------------------------------------------ pickle in

class PlainUnpickler(pickle.Unpickler):
    """Resolves no global and no persistent id: only lists, tuples, str, int, float, bool, None
    (and dict/set/bytes, which validation then refuses) can come out of it."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError('global %s.%s refused' % (module, name))

    def persistent_load(self, pid):
        raise pickle.UnpicklingError('persistent id refused')


# Memo indexes of a real request are small and sequential; a huge one makes the unpickler
# allocate the whole memo table (16 bytes a slot) before anything else is checked.
MAX_MEMO_INDEX = 2 * MAX_ITEMS + 16
MEMO_OPS = ('PUT', 'BINPUT', 'LONG_BINPUT', 'GET', 'BINGET', 'LONG_BINGET')
REFUSED_OPS = ('LONG', 'LONG4', 'INT', 'STRING', 'BINSTRING', 'SHORT_BINSTRING')


def scan_request(data):
    """Walks the opcodes without building anything: bounded memo indexes, no big ints."""
    for op, arg, _pos in pickletools.genops(data):
        if op.name in MEMO_OPS and isinstance(arg, int) and arg > MAX_MEMO_INDEX:
            raise pickle.UnpicklingError('memo index %d' % arg)
        if op.name in REFUSED_OPS:
            raise pickle.UnpicklingError('opcode %s' % op.name)
        if op.name == 'LONG1' and isinstance(arg, int) and abs(arg) >= 2 ** 63:
            raise pickle.UnpicklingError('integer too large')


def plain_loads(data):
    """Decodes `data` with PlainUnpickler; the pickle must end exactly at the end of `data`."""
    bio = io.BytesIO(data)
    value = PlainUnpickler(bio).load()
    if bio.tell() != len(data):
        raise pickle.UnpicklingError('bytes after the pickle')
    return value


def decode_request(frame):
    """The request as a checked flat list of str/int/float/bool/None; raises Refused."""
    try:
        scan_request(frame)
        value = plain_loads(frame)
    except Exception as e:  # any decoding failure, globals included
        raise Refused('undecodable request (%s)' % short(str(e)))
    if type(value) not in (list, tuple):
        raise Refused('request is not a list')
    if len(value) == 0:
        raise Refused('empty command')
    if len(value) > MAX_ITEMS:
        raise Refused('more than %d items' % MAX_ITEMS)
    out = []
    for item in value:
        t = type(item)
        if t is str:
            if len(item) > MAX_STR:
                raise Refused('argument longer than %d characters' % MAX_STR)
        elif t is bool or item is None:
            pass
        elif t is int:
            if abs(item) >= 2 ** 63:
                raise Refused('integer out of range')
        elif t is float:
            pass
        else:
            raise Refused('argument of type %s' % t.__name__)
        out.append(item)
    return out


def frame(value):
    """One reply frame pickled by the helper itself (protocol 2, plain data and builtins)."""
    return pickle.dumps(value, 2, fix_imports=False) + END


def refusal(reason):
    return frame((1, PermissionError('refused: ' + reason)))


def short(text, n=200):
    return text if len(text) <= n else text[:n] + '...'


# ------------------------------------------------------------------------------ reply framing

class ReplyEnd(object):
    """Finds where one fail2ban reply ends without unpickling it.

    fail2ban pickles replies with HIGHEST_PROTOCOL (4 or 5): PROTO, then FRAME opcodes (0x95 + u64
    length) whose contents end, in the last frame, with STOP. CPython writes a few things outside
    frames: large str/bytes payloads (BINUNICODE8, BINBYTES8, BYTEARRAY8, BINUNICODE, BINBYTES), and
    runs of small opcodes too short to get a frame (under 4 bytes, e.g. `K\x00` before a large
    string, or a final `t\x94.`). The walk skips whole frames and steps over the opcodes outside
    them by their argument sizes; right after the STOP comes the marker ('<' is no opcode, so the
    marker cannot be mistaken for the pickle going on). When the walk meets anything else (text
    protocol opcodes, protocol < 4), it falls back to "the data so far ends with the marker", which
    is what fail2ban-client itself does.
    """

    # opcode -> size of its fixed argument, outside frames
    FIXED = dict([(op, 0) for op in b'(.02N)]}aeltRsubo1\x85\x86\x87\x88\x89\x81\x92\x93\x94'
                  b'\x8f\x90\x91Q\x97\x98d'] +
                 [(op, 1) for op in b'Kqh\x82'] + [(op, 2) for op in b'M\x83'] +
                 [(op, 4) for op in b'Jrj\x84'] + [(0x47, 8)])
    # opcode -> size of its length field (the data follows)
    SIZED = {0x8a: 1, 0x55: 1, 0x43: 1, 0x8c: 1, 0x8b: 4, 0x54: 4, 0x42: 4, 0x58: 4,
             0x8d: 8, 0x8e: 8, 0x96: 8}

    def __init__(self):
        self.buf = bytearray()
        self.pos = 0
        self.after = None  # 'frame': a frame ended with '.'; 'stop': a STOP outside frames
        self.fallback = False

    def feed(self, data):
        """Adds data; returns the reply's length (marker included) once complete, else None."""
        self.buf += data
        if len(self.buf) > MAX_REPLY_BYTES:
            raise ServerError('reply larger than %d bytes' % MAX_REPLY_BYTES)
        if not self.fallback:
            end = self._walk()
            if end is not None:
                return end
        if self.fallback and self.buf.endswith(END):
            return len(self.buf)
        return None

    def _walk(self):
        b = self.buf
        n = len(b)
        if self.pos == 0:
            if n < 2:
                return None
            if b[0] != 0x80 or b[1] < 4:
                return self._give_up()
            self.pos = 2
        while True:
            i = self.pos
            if i >= n:
                return None
            op = b[i]
            if op == 0x3c and self.after is not None:  # '<': the marker
                if n - i < len(END):
                    return None if END.startswith(bytes(b[i:])) else self._give_up()
                return i + len(END) if b[i:i + len(END)] == END else self._give_up()
            if self.after == 'stop':
                return self._give_up()  # STOP must be followed by the marker
            if op == 0x95:
                if i + 9 > n:
                    return None
                size = struct.unpack_from('<Q', b, i + 1)[0]
                if i + 9 + size > n:
                    return None
                self.after = 'frame' if size > 0 and b[i + 9 + size - 1] == 0x2e else None
                self.pos = i + 9 + size
            elif op == 0x2e:
                self.after = 'stop'
                self.pos = i + 1
            elif op in self.FIXED:
                if i + 1 + self.FIXED[op] > n:
                    return None
                self.after = None
                self.pos = i + 1 + self.FIXED[op]
            elif op in self.SIZED:
                width = self.SIZED[op]
                if i + 1 + width > n:
                    return None
                size = int.from_bytes(bytes(b[i + 1:i + 1 + width]), 'little')
                if i + 1 + width + size > n:
                    return None
                self.after = None
                self.pos = i + 1 + width + size
            else:
                return self._give_up()

    def _give_up(self):
        self.fallback = True
        return None


# -------------------------------------------------------------------------------- trust checks

def check_owned(path, kind, euid):
    """Raises ValueError unless `path` and its directories are owned by root or `euid`, the path
    and its own directory are not group/other-writable, and higher directories are not writable by
    others (or are sticky, like /tmp)."""
    real = os.path.realpath(path)
    st = os.lstat(real)
    if kind == 'socket' and not stat.S_ISSOCK(st.st_mode):
        raise ValueError('%s is not a socket' % real)
    if kind == 'dir' and not stat.S_ISDIR(st.st_mode):
        raise ValueError('%s is not a directory' % real)
    if kind == 'file' and not stat.S_ISREG(st.st_mode):
        raise ValueError('%s is not a regular file' % real)
    trusted = (0, euid)
    if st.st_uid not in trusted or st.st_mode & 0o022:
        raise ValueError('%s must be owned by root (or uid %d) and not writable by group/others'
                         % (real, euid))
    parent = os.path.dirname(real)
    first = True
    while True:
        pst = os.lstat(parent)
        if pst.st_uid not in trusted:
            raise ValueError('directory %s is not owned by root (or uid %d)' % (parent, euid))
        if pst.st_mode & 0o022 and (first or not pst.st_mode & stat.S_ISVTX):
            raise ValueError('directory %s is writable by group/others' % parent)
        first = False
        if parent == '/':
            return real
        parent = os.path.dirname(parent)


def trusted_socket(path, euid):
    """The real path of a socket that passes check_owned; ServerError otherwise."""
    try:
        return check_owned(path, 'socket', euid)
    except OSError as e:  # not there (fail2ban not running): the usual connect failure
        raise ServerError('cannot connect to %s: %s' % (path, e))
    except ValueError as e:
        raise ServerError('refusing the socket %s: %s' % (path, e))


def check_peer(sock, euid):
    """The process listening on the socket must run as root or as us (SO_PEERCRED)."""
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize('3i'))
    _pid, peer_uid, _gid = struct.unpack('3i', creds)
    if peer_uid not in (0, euid):
        sock.close()
        raise ServerError('the socket is served by uid %d, not by root' % peer_uid)


def socket_from_conf(conf_dir, euid):
    """`socket =` of [Definition] in fail2ban.conf, overridden by fail2ban.local; or None."""
    value = None
    for name in ('fail2ban.conf', 'fail2ban.local'):
        path = os.path.join(conf_dir, name)
        if not os.path.exists(path):
            continue
        check_owned(path, 'file', euid)
        parser = configparser.RawConfigParser(strict=False)
        parser.read(path, encoding='utf-8')
        if parser.has_option('Definition', 'socket'):
            value = parser.get('Definition', 'socket').strip()
    return value or None


# ------------------------------------------------------------------------------ server channel

class Server(object):
    """One persistent connection to fail2ban's socket; requests strictly one after another."""

    def __init__(self, path, euid):
        self.path = path
        self.euid = euid
        self.sock = None

    def close(self):
        if self.sock is not None:
            try:
                self.sock.sendall(CLOSE)
            except OSError:
                pass
            self.sock.close()
            self.sock = None

    def _connect(self):
        # Connect to the checked real path, never the name given: a symlink swapped after the
        # check would otherwise lead to a socket someone else runs.
        real = trusted_socket(self.path, self.euid)
        delay = 0.005
        for attempt in range(20):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(SERVER_TIMEOUT_S)
            try:
                s.connect(real)
                check_peer(s, self.euid)
                self.sock = s
                return
            except (BlockingIOError, InterruptedError) as e:  # EAGAIN: backlog of 1
                s.close()
                if attempt == 19:
                    raise ServerError('cannot connect to %s: %s' % (self.path, e))
                time.sleep(delay)
                delay = min(delay * 2, 0.2)
            except OSError as e:
                s.close()
                raise ServerError('cannot connect to %s: %s' % (self.path, e))

    def request(self, args):
        """Sends the checked `args`; returns the reply bytes with the marker."""
        payload = pickle.dumps(list(args), 2, fix_imports=False) + END
        for attempt in (1, 2):
            try:
                if self.sock is None:
                    self._connect()
                self.sock.sendall(payload)
            except ServerError:
                raise
            except OSError as e:
                # A connection the server dropped while idle: one fresh try (nothing was read).
                self.close()
                if attempt == 2:
                    raise ServerError('cannot send to %s: %s' % (self.path, e))
                continue
            break
        walker = ReplyEnd()
        try:
            while True:
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    raise ServerError('the server closed the connection before replying')
                end = walker.feed(chunk)
                if end is not None:
                    if end != len(walker.buf):
                        raise ServerError('the server sent bytes after its reply')
                    return bytes(walker.buf)
        except socket.timeout:
            self.close()
            raise ServerError('no reply from the server within %d s' % SERVER_TIMEOUT_S)
        except ServerError:
            self.close()
            raise
        except OSError as e:
            self.close()
            raise ServerError('connection to the server failed: %s' % e)

    def query(self, args):
        """The reply to one of the helper's own read-only queries, decoded without globals."""
        reply = self.request(args)
        try:
            value = plain_loads(reply[:-len(END)])
        except Exception as e:
            raise ServerError('undecodable reply to %s (%s)' % (' '.join(args), short(str(e))))
        if type(value) is not tuple or len(value) != 2 or value[0] != 0:
            raise ServerError('unexpected reply to %s' % ' '.join(args))
        return value[1]


# -------------------------------------------------------------------------------- allow-list

def check_ip(text, what='IP'):
    """An IP or network under the breadth rule; returns the text forwarded."""
    if type(text) is not str or not IP_CHARS.match(text):
        raise Refused('%s %r is not an IP address or network' % (what, short(str(text), 60)))
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise Refused('%s %r is not an IP address or network' % (what, short(text, 60)))
    prefix = net.prefixlen
    if net.version == 6:
        mapped = net.network_address.ipv4_mapped
        if mapped is not None:
            if prefix < 96:
                raise Refused('%s %s mixes IPv4-mapped and other IPv6 addresses' % (what, text))
            if prefix - 96 < 8:
                raise Refused('%s %s (IPv4 /%d) is broader than /8' % (what, text, prefix - 96))
        elif prefix < 32:
            raise Refused('%s %s is broader than /32' % (what, text))
    elif prefix < 8:
        raise Refused('%s %s is broader than /8' % (what, text))
    return text


def check_int(value, key):
    low, high = INT_KEYS[key]
    if type(value) is int:
        n = value
    elif type(value) is str and re.match(r'^-?[0-9]{1,10}$', value):
        n = int(value)
    else:
        raise Refused('%s must be a whole number' % key)
    if not low <= n <= high:
        raise Refused('%s must be between %d and %d' % (key, low, high))
    return value


def check_uint(value, what, low, high):
    if type(value) is not int or not low <= value <= high:
        raise Refused('%s must be a whole number between %d and %d' % (what, low, high))
    return value


def is_str(args, *positions):
    return all(type(args[i]) is str for i in positions)


class Policy(object):
    """Decides, for one request, what to do: ('forward', args), ('reload', args), ('dbrows', …)."""

    def __init__(self, server):
        self.server = server
        self.jails = None
        self.jails_at = 0.0

    def live_jails(self, refresh=False):
        now = time.monotonic()
        if refresh or self.jails is None or now - self.jails_at > JAIL_CACHE_S:
            status = self.server.query(['status'])
            names = None
            if type(status) in (list, tuple):
                for entry in status:
                    if (type(entry) in (list, tuple) and len(entry) == 2
                            and entry[0] == 'Jail list' and type(entry[1]) is str):
                        names = [n.strip() for n in entry[1].split(',') if n.strip()]
            if names is None:
                raise ServerError('the server\'s status reply has no jail list')
            self.jails = frozenset(names)
            self.jails_at = now
        return self.jails

    def jail(self, name):
        if type(name) is not str:
            raise Refused('jail name must be a string')
        if name in GLOBAL_NAMES:
            raise Refused('%s is a global setting, not a jail' % name)
        if name not in self.live_jails() and name not in self.live_jails(refresh=True):
            raise Refused('no running jail named %r' % short(name, 60))
        return name

    def decide(self, a):
        """Returns (kind, args, is_write). Raises Refused for everything not allowed."""
        if type(a[0]) is not str:
            raise Refused('command must start with a word')
        verb = a[0]
        n = len(a)
        if verb in ('ping', 'version') and n == 1:
            return 'forward', a, False
        if verb == 'status':
            if n == 1:
                return 'forward', a, False
            if n in (2, 3) and is_str(a, *range(1, n)) and (n == 2 or a[2] in STATUS_FLAVORS):
                if a[1] == '--all':
                    return 'forward', a, False
                self.jail(a[1])
                return 'forward', a, False
            raise Refused('status takes a jail (or --all) and short|basic')
        if verb == 'banned':
            for ip in a[1:]:
                check_ip(ip)
            return 'forward', a, False
        if verb == 'get':
            if n == 2 and a[1] in READ_GLOBALS:
                return 'forward', a, False
            if n in (3, 4) and is_str(a, 1, 2):
                self.jail(a[1])
                if n == 3 and a[2] in READ_KEYS:
                    return 'forward', a, False
                if a[2] == 'banip' and (n == 3 or a[3] == '--with-time'):
                    return 'forward', a, False
            raise Refused('get %s is not allowed' % short(' '.join(map(str, a[1:4])), 80))
        if verb == 'set':
            if n >= 4 and is_str(a, 1, 2):
                key = a[2]
                if key in ('banip', 'unbanip'):
                    self.jail(a[1])
                    for ip in a[3:]:
                        check_ip(ip)
                    return 'forward', a, True
                if n == 4 and key in INT_KEYS:
                    self.jail(a[1])
                    check_int(a[3], key)
                    return 'forward', a, True
                if n == 4 and key in ('addignoreip', 'delignoreip'):
                    self.jail(a[1])
                    check_ip(a[3], 'ignoreip entry')
                    return 'forward', a, True
            raise Refused('set %s is not allowed' % short(' '.join(map(str, a[1:3])), 80))
        if verb == 'unban':
            if n == 2 and a[1] == '--all':
                return 'forward', a, True
            if n >= 2:
                for ip in a[1:]:
                    check_ip(ip)
                return 'forward', a, True
            raise Refused('unban needs IPs or --all')
        if verb in ('start', 'stop'):
            if n == 2:
                self.jail(a[1])
                return 'forward', a, True
            raise Refused('%s is only allowed for one running jail' % verb)
        if verb == 'reload':
            if n >= 2 and all(type(x) is str for x in a):
                flags, target = a[1:-1], a[-1]
                if len(set(flags)) == len(flags) and all(f in RELOAD_FLAGS for f in flags):
                    if target == '--all':
                        return 'reload', a, True
                    if not target.startswith('-'):
                        self.jail(target)
                        return 'reload', a, True
            raise Refused('reload takes only --restart/--unban and then --all or a jail')
        if verb == 'bangui-dbrows':
            if n == 4:
                check_uint(a[1], 'since', 0, 2 ** 40)
                check_uint(a[2], 'after_rowid', 0, 2 ** 62)
                check_uint(a[3], 'limit', 1, DB_MAX_ROWS)
                return 'dbrows', a, False
            raise Refused('bangui-dbrows takes since, after_rowid and limit')
        if verb == 'bangui-configured-jails':
            if n == 1:
                return 'configured', a, False
            raise Refused('bangui-configured-jails takes no arguments')
        raise Refused('command %r is not allowed' % short(str(verb), 40))


# ----------------------------------------------------------------------------- local commands

def run_reload(args, sock_path, conf_dir, euid):
    # fail2ban-client unpickles the socket's replies as root: check the socket again right
    # before, and hand over its real path.
    argv = [FAIL2BAN_CLIENT, '-s', trusted_socket(sock_path, euid)]
    if conf_dir is not None:
        argv += ['-c', conf_dir]
    argv += list(args)
    try:
        p = subprocess.run(argv, env=dict(CLEAN_ENV), cwd='/', stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=RELOAD_TIMEOUT_S, close_fds=True)
    except subprocess.TimeoutExpired:
        return frame((1, Exception('fail2ban-client reload timed out after %d s'
                                   % RELOAD_TIMEOUT_S)))
    except OSError as e:
        return frame((1, Exception('cannot run %s: %s' % (FAIL2BAN_CLIENT, e))))
    output = p.stdout.decode('utf-8', 'replace').strip()
    if p.returncode == 0:
        return frame((0, output))
    return frame((1, Exception('fail2ban-client reload exited with %d: %s'
                               % (p.returncode, output))))


def configured_jails(sock_path, conf_dir, euid):
    """The jails the configuration enables (`fail2ban-client -d`), skipped ones included.

    Only jail names leave the helper, never the dump itself: it holds every action's
    parameters, which may include secrets (API keys, mail passwords).
    """
    argv = [FAIL2BAN_CLIENT, '-s', trusted_socket(sock_path, euid)]
    if conf_dir is not None:
        argv += ['-c', conf_dir]
    argv.append('-d')
    try:
        p = subprocess.run(argv, env=dict(CLEAN_ENV), cwd='/', stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=RELOAD_TIMEOUT_S, close_fds=True)
    except subprocess.TimeoutExpired:
        return frame((1, Exception('fail2ban-client -d timed out after %d s' % RELOAD_TIMEOUT_S)))
    except OSError as e:
        return frame((1, Exception('cannot run %s: %s' % (FAIL2BAN_CLIENT, e))))
    output = p.stdout.decode('utf-8', 'replace')
    if p.returncode != 0:
        tail = ' | '.join(output.strip().splitlines()[-3:])
        return frame((1, Exception('reading the configuration failed: %s' % short(tail, 2000))))
    jails = []
    for m in re.finditer(r"^\['start', '([^']+)'\]$", output, re.M):
        jails.append(m.group(1))
    for m in re.finditer(r"Errors in jail '([^']+)'\. Skipping", output):
        if m.group(1) not in jails:
            jails.append(m.group(1))
    return frame((0, jails))


def db_rows(server, since, after_rowid, limit):
    dbfile = server.query(['get', 'dbfile'])
    if dbfile is None:
        return frame((1, Exception('fail2ban keeps no database (dbfile is None)')))
    if type(dbfile) is not str or not dbfile.startswith('/'):
        return frame((1, Exception('fail2ban reported an unusable dbfile')))
    uri = 'file:%s?mode=ro' % urllib.parse.quote(dbfile)
    try:
        con = sqlite3.connect(uri, uri=True, timeout=2.0)
        try:
            cur = con.execute(
                'SELECT rowid, jail, ip, timeofban, bantime, bancount, data FROM bans '
                'WHERE rowid > ? AND timeofban >= ? ORDER BY rowid LIMIT ?',
                (after_rowid, since, limit))
            rows = []
            for rowid, jail, ip, timeofban, bantime, bancount, data in cur:
                if isinstance(data, bytes):
                    data = data.decode('utf-8', 'replace')
                rows.append([
                    int(rowid), str(jail), str(ip), int(timeofban or 0),
                    None if bantime is None else int(bantime),
                    None if bancount is None else int(bancount),
                    None if data is None else str(data),
                ])
        finally:
            con.close()
    except sqlite3.Error as e:
        return frame((1, Exception('cannot read fail2ban\'s database %s: %s' % (dbfile, e))))
    return frame((0, rows))


# ---------------------------------------------------------------------------------- main loop

def caller_uid():
    for name in ('PKEXEC_UID', 'SUDO_UID'):
        v = os.environ.get(name)
        if v and v.isdigit():
            return v
    return str(os.getuid())


CONTROL_CHARS = re.compile('[\x00-\x1f\x7f]')


def audit(priority, uid, text):
    # control characters from the request would let it forge log lines
    try:
        syslog.syslog(priority, 'uid=%s %s' % (uid, CONTROL_CHARS.sub('?', short(text, 1000))))
    except Exception:
        pass


def write_all(data):
    view = memoryview(data)
    while view:
        n = os.write(1, view)
        view = view[n:]


def read_frames():
    """Yields each request frame (without marker), or None for one that broke the size cap."""
    buf = bytearray()
    skipping = False
    while True:
        chunk = os.read(0, 1 << 20)
        if not chunk:
            return  # EOF (a partial frame is dropped: its sender is gone)
        buf += chunk
        while True:
            i = buf.find(END)
            if i < 0:
                if len(buf) > MAX_REQUEST_BYTES + len(END):
                    if not skipping:
                        skipping = True
                        yield None
                    del buf[:len(buf) - len(END)]  # keep a possible partial marker
                break
            body = bytes(buf[:i])
            del buf[:i + len(END)]
            if skipping:
                skipping = False  # the end of the oversized frame: already answered
            elif i > MAX_REQUEST_BYTES:
                yield None
            else:
                yield body


def parse_argv(argv):
    opts = {'stdio': False, 'socket': None, 'conf': None}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == '--stdio':
            opts['stdio'] = True
        elif a in ('--socket', '--conf') and i + 1 < len(argv):
            opts[a[2:]] = argv[i + 1]
            i += 1
        elif a == '--version':
            opts['version'] = True
        else:
            raise ValueError('unknown argument %r' % a)
        i += 1
    return opts


def main(argv):
    try:
        opts = parse_argv(argv)
    except ValueError as e:
        sys.stderr.write('bangui-helper: %s\nusage: bangui-helper --stdio '
                         '[--socket PATH] [--conf DIR]\n' % e)
        return 2
    if opts.get('version'):
        sys.stdout.write('bangui-helper %s\n' % VERSION)
        return 0
    if not opts['stdio']:
        sys.stderr.write('bangui-helper: only --stdio mode exists\n')
        return 2
    euid = os.geteuid()
    try:
        conf_dir = None
        if opts['conf'] is not None:
            conf_dir = check_owned(opts['conf'], 'dir', euid)
        sock_path = opts['socket']
        if sock_path is None:
            sock_path = socket_from_conf(conf_dir or DEFAULT_CONF, euid) or DEFAULT_SOCKET
        if not os.path.isabs(sock_path):
            raise ValueError('socket path %r is not absolute' % sock_path)
        if opts['socket'] is not None:
            sock_path = check_owned(sock_path, 'socket', euid)
    except (OSError, ValueError) as e:
        sys.stderr.write('bangui-helper: refusing to start: %s\n' % e)
        return 2

    uid = caller_uid()
    syslog.openlog('bangui-helper', syslog.LOG_PID, syslog.LOG_AUTHPRIV)
    server = Server(sock_path, euid)
    policy = Policy(server)
    write_all(frame((0, ['bangui-helper', VERSION])))
    for body in read_frames():
        if body is None:
            write_all(refusal('request larger than %d bytes' % MAX_REQUEST_BYTES))
            continue
        try:
            args = decode_request(body)
            kind, args, is_write = policy.decide(args)
        except Refused as e:
            audit(syslog.LOG_WARNING, uid, 'refused (%s)' % e)
            write_all(refusal(str(e)))
            continue
        except ServerError as e:
            write_all(frame((1, ConnectionError(str(e)))))
            continue
        except Exception as e:  # one answer per request, whatever went wrong
            write_all(frame((1, Exception('helper error: %s' % short(type(e).__name__)))))
            continue
        if is_write:
            audit(syslog.LOG_NOTICE, uid, 'command %r' % (args,))
        try:
            if kind == 'forward':
                reply = server.request(args)
            elif kind == 'reload':
                reply = run_reload(args, sock_path, conf_dir, euid)
            elif kind == 'configured':
                reply = configured_jails(sock_path, conf_dir, euid)
            else:
                reply = db_rows(server, args[1], args[2], args[3])
        except ServerError as e:
            reply = frame((1, ConnectionError(str(e))))
        except Exception as e:  # one answer per request, whatever went wrong
            reply = frame((1, Exception('helper error: %s' % short(type(e).__name__))))
        write_all(reply)
    server.close()
    return 0


if __name__ == '__main__':
    try:
        code = main(sys.argv[1:])
    except KeyboardInterrupt:
        code = 1
    except BrokenPipeError:
        code = 0  # the app went away while we answered
    except BaseException as e:  # never let Python pick an exit status pkexec uses
        sys.stderr.write('bangui-helper: %s: %s\n' % (type(e).__name__, e))
        code = 1
    sys.exit(code)
