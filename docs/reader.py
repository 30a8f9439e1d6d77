#!/usr/bin/env python3
"""Reads and follows a pairbot store (snapshot + journal) without pairbot: docs/store.md, "Reading the store".

  python3 docs/reader.py STORE_PATH                     print a JSON summary of the store
  python3 docs/reader.py STORE_PATH --allowed CHANNEL SENDER [ACCOUNT]   exit 0 if allowed, 1 if not
  python3 docs/reader.py STORE_PATH --follow [--seconds N]
      print the summary, then one JSON line per record appended, then the summary again once stdin
      closes or N seconds pass (default 600)

Exit 2 with one line on stderr when the store is damaged. Read-only: it never takes the lock or writes.
"""
import datetime, json, os, select, sys, time, zlib

EMPTY = {"version": 2, "seq": 0, "dm": {"requests": [], "allowlist": {}},
         "devices": {"bootstrapTokens": [], "requests": [], "paired": []},
         "notifications": {}, "owners": {}, "codeFailures": {}, "audit": []}
# effect kind -> (parent key, list key, id field) for the lists kept in arrays keyed by an id
LISTS = {"dm": ("dm", "requests", "id"), "token": ("devices", "bootstrapTokens", "id"),
         "deviceRequest": ("devices", "requests", "requestId"), "device": ("devices", "paired", "deviceId")}


class Damaged(Exception):
    pass


def load_snapshot(path):
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read())
    except FileNotFoundError:
        return json.loads(json.dumps(EMPTY))
    except ValueError as e:
        raise Damaged(f"The store {path} cannot be used: it is not valid JSON ({e}).")
    version = doc.get("version") if isinstance(doc, dict) else None
    if version == 1:
        doc["seq"] = 0  # a version 1 store not yet migrated: it has no journal
    elif version != 2:
        raise Damaged(f"The store {path} cannot be used: its version is {version!r}; this reader knows 1 and 2.")
    if not isinstance(doc.get("seq"), int) or any(k not in doc for k in EMPTY):
        raise Damaged(f"The store {path} cannot be used: it does not match the store format.")
    return doc


def apply(doc, e):
    t = e.get("t")
    if t in LISTS:
        parent, key, id_field = LISTS[t]
        items = doc[parent][key]
        if "put" in e:
            at = next((i for i, x in enumerate(items) if x[id_field] == e["put"][id_field]), None)
            items.append(e["put"]) if at is None else items.__setitem__(at, e["put"])
        else:
            doc[parent][key] = [x for x in items if x[id_field] != e["del"]]
    elif t == "allow":
        allow = doc["dm"]["allowlist"]
        if "put" in e:
            channel, account, sender, entry = e["put"]
            allow.setdefault(channel, {}).setdefault(account, {})[sender] = entry
        else:
            channel, account, sender = e["del"]
            senders = allow.get(channel, {}).get(account)
            if senders is None:
                return
            senders.pop(sender, None)
            if not senders:
                del allow[channel][account]
            if not allow[channel]:
                del allow[channel]
    elif t == "notification":
        key, owner = (e["put"] if "put" in e else e["del"])[:2]
        by_owner = doc["notifications"].setdefault(key, {})
        if "put" in e:
            by_owner[owner] = e["put"][2]
        else:
            by_owner.pop(owner, None)
        if not by_owner:
            del doc["notifications"][key]
    elif t == "owner":
        doc["owners"][e["put"][0]] = e["put"][1]
    elif t == "codeFailure":
        if "put" in e:
            doc["codeFailures"][e["put"][0]] = e["put"][1]
        else:
            doc["codeFailures"].pop(e["del"], None)
    elif t == "audit":
        doc["audit"] = (doc["audit"] + [e["add"]])[-e["keep"]:]
    else:
        raise ValueError(f"unknown effect {t!r}")


class Store:
    def __init__(self, path):
        self.path, self.journal_path = path, path + ".journal"
        self.journal, self.on_record = None, None
        self.reload()

    def reload(self):
        """Snapshot, then the journal it continues; a compaction in between means: read the snapshot again."""
        for _ in range(5):
            self.close()
            self.doc = load_snapshot(self.path)
            self.seq = self.doc["seq"]
            if self.open_journal():
                return
        raise Damaged(f"The store {self.journal_path} cannot be used: it starts after the snapshot's last change.")

    def open_journal(self):
        """Opens the journal at its path; False when its header is newer than what we hold."""
        self.close()
        try:
            self.journal = open(self.journal_path, "rb")
        except FileNotFoundError:
            return True  # no journal (yet): the snapshot is all there is
        self.offset, self.sealed = 0, False
        self.read_new()
        return self.base is None or self.base <= self.seq

    def close(self):
        if self.journal:
            self.journal.close()
        self.journal, self.base = None, None

    def damaged(self, at, why):
        return Damaged(f"The store {self.journal_path} cannot be used: the line at byte {at} {why}.")

    def read_new(self):
        """Applies every complete new line; a partial last line is left for later (being written, or torn)."""
        self.journal.seek(self.offset)
        data = self.journal.read()
        start = 0
        while not self.sealed and (end := data.find(b"\n", start)) >= 0:
            at, line, start = self.offset, data[start:end], end + 1
            if len(line) < 10 or line[8:9] != b" ":
                raise self.damaged(at, "is damaged: it does not start with a checksum")
            if line[:8] != b"%08x" % zlib.crc32(line[9:]):
                raise self.damaged(at, "is damaged: its checksum does not match")
            try:
                value = json.loads(line[9:])
                assert isinstance(value, dict) and all(isinstance(value.get(k, 0), int) for k in ("journal", "base", "seq", "sealed"))
                assert any(k in value for k in ("journal", "sealed")) or isinstance(value.get("fx"), list)
            except (ValueError, AssertionError):
                raise self.damaged(at, "does not match the journal format")
            if "journal" in value:
                if at != 0 or value["journal"] != 1:
                    raise self.damaged(at, "is a header in the wrong place or of an unknown version")
                self.base = value["base"]
                if self.base > self.seq:
                    return  # the caller reads the snapshot again
            elif "sealed" in value:
                self.sealed = True
            elif value.get("seq", 0) > self.seq + 1:
                raise self.damaged(at, f"holds change {value['seq']}, but change {self.seq + 1} is missing")
            elif value.get("seq") == self.seq + 1:
                try:
                    for e in value["fx"]:
                        apply(self.doc, e)
                except (KeyError, TypeError, ValueError, IndexError) as e:
                    raise self.damaged(at, f"does not match the journal format ({e})")
                self.seq = self.doc["seq"] = value["seq"]
                if self.on_record:
                    self.on_record(value)
            # else: a change we have (compacted already) or one that was fenced off: skipped
            self.offset = at + len(line) + 1

    def catch_up(self):
        if self.journal is None:
            if os.path.exists(self.journal_path):
                self.reload()
            return
        self.read_new()
        if self.sealed:
            try:
                moved = os.stat(self.journal_path).st_ino != os.fstat(self.journal.fileno()).st_ino
            except FileNotFoundError:
                moved = False
            if moved and not self.open_journal():  # replaced: continue in the new journal at its path
                self.reload()
                self.on_record and print(json.dumps(summary(self)), flush=True)


def summary(store):
    now = datetime.datetime.now(datetime.timezone.utc)
    pending = [r["code"] for r in store.doc["dm"]["requests"]
               if datetime.datetime.fromisoformat(r["expiresAt"].replace("Z", "+00:00")) > now]
    allowed = {c: {a: sorted(s) for a, s in accounts.items()} for c, accounts in store.doc["dm"]["allowlist"].items()}
    return {"seq": store.seq, "pendingDm": sorted(pending), "allowed": allowed}


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    try:
        store = Store(argv[0])
        if "--allowed" in argv:
            channel, sender, *account = argv[argv.index("--allowed") + 1:][:3]
            return 0 if sender in store.doc["dm"]["allowlist"].get(channel, {}).get((account or ["default"])[0], {}) else 1
        print(json.dumps(summary(store)), flush=True)
        if "--follow" not in argv:
            return 0
        seconds = float(argv[argv.index("--seconds") + 1]) if "--seconds" in argv else 600
        store.on_record = lambda r: print(json.dumps({"seq": r["seq"], "effects": [e["t"] for e in r["fx"]]}), flush=True)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            store.catch_up()
            if select.select([sys.stdin], [], [], 0.05)[0] and not sys.stdin.buffer.read1(4096):
                break  # stdin closed: stop
        print(json.dumps(summary(store)), flush=True)
        return 0
    except Damaged as e:
        print(e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
