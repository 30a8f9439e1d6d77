#!/usr/bin/env python3
"""Reads and follows a pairbot store without pairbot, as docs/store.md "Reading the store" describes.

  python3 docs/reader.py STORE_PATH                      a JSON summary: seq, pending DM codes, allowlist
  python3 docs/reader.py STORE_PATH --allowed CHANNEL SENDER [ACCOUNT]
                                                         yes (exit 0) or no (exit 1), as `pairbot allowed`
  python3 docs/reader.py STORE_PATH --document           the whole store, as the snapshot would hold it now
  python3 docs/reader.py STORE_PATH --follow [--seconds N]
      the summary, then one JSON line per record appended, then the summary again once stdin closes
      or N seconds pass (default 600)

Pending codes are those not expired by this machine's clock. A damaged store: one line on stderr,
exit 2. Read-only: it never takes the lock. It checks the snapshot's shape loosely; pairbot checks
every field.
"""
import datetime, json, os, select, sys, time, zlib

EMPTY = '{"version":3,"seq":0,"dm":{"requests":[],"allowlist":{},"blocks":[]},"devices":{"bootstrapTokens":[],"requests":[],"paired":[]},"notifications":{},"owners":{},"codeFailures":{},"audit":[],"events":[],"settings":{},"idForm":1}'
# effect kind -> where its array is and the field that keys it
ARRAYS = {"dm": ("dm", "requests", "id"), "token": ("devices", "bootstrapTokens", "id"),
          "deviceRequest": ("devices", "requests", "requestId"), "device": ("devices", "paired", "deviceId")}


class Damaged(Exception):
    pass


def load_snapshot(path):
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read())
    except FileNotFoundError:
        return json.loads(EMPTY)
    except ValueError as e:
        raise Damaged(f"The store {path} cannot be used: it is not valid JSON ({e}).")
    version = doc.get("version") if isinstance(doc, dict) else None
    if version == 1:
        doc["seq"] = 0  # not migrated yet: no journal
    if version in (1, 2):  # what version 3 added, as its migration adds it (ids not yet normalised: idForm 0)
        doc["version"], doc["events"], doc["settings"], doc["idForm"] = 3, [], {}, 0
        if isinstance(doc.get("dm"), dict):
            doc["dm"]["blocks"] = []
    elif version != 3:
        raise Damaged(f"The store {path} cannot be used: its version is {version!r}; this reader knows 1 to 3.")
    if not isinstance(doc.get("seq"), int) or any(k not in doc for k in json.loads(EMPTY)):
        raise Damaged(f"The store {path} cannot be used: it does not match the store format.")
    return doc


def block_key(b):
    return (b["channel"], b["account"], b["senderId"]) if isinstance(b, dict) else tuple(b)


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def apply(doc, e):
    t, put = e["t"], e.get("put")
    if t in ARRAYS:
        part, name, key = ARRAYS[t]
        gone = put[key] if put is not None else e["del"]
        kept = [x for x in doc[part][name] if x[key] != gone]
        at = next((i for i, x in enumerate(doc[part][name]) if x[key] == gone), len(kept))
        doc[part][name] = kept[:at] + [put] + kept[at:] if put is not None else kept  # replace in place
    elif t == "allow":
        allowlist = doc["dm"]["allowlist"]
        channel, account, sender = (put or e["del"])[:3]
        if put is not None:
            allowlist.setdefault(channel, {}).setdefault(account, {})[sender] = put[3]
        elif account in allowlist.get(channel, {}):
            allowlist[channel][account].pop(sender, None)
            if not allowlist[channel][account]:
                del allowlist[channel][account]
            if not allowlist[channel]:
                del allowlist[channel]
    elif t == "notification":
        key, owner = (put or e["del"])[:2]
        by_owner = doc["notifications"].setdefault(key, {})
        by_owner.update({owner: put[2]}) if put is not None else by_owner.pop(owner, None)
        if not by_owner:
            del doc["notifications"][key]
    elif t in ("owner", "codeFailure"):
        table = doc["owners" if t == "owner" else "codeFailures"]
        table.update({put[0]: put[1]}) if put is not None else table.pop(e["del"], None)
    elif t == "refusal":  # flood summaries: a top-level list, absent until the first
        kept = [x for x in doc.get("refusals", []) if x["id"] != (put["id"] if put is not None else e["del"])]
        doc["refusals"] = kept + [put] if put is not None else kept
    elif t == "audit":
        doc["audit"] = (doc["audit"] + [e["add"]])[-e["keep"]:]
    elif t == "event":  # kept: the newest `keep`, none older than `keepMs` before the new one
        cutoff = parse_time(e["add"]["at"]) - datetime.timedelta(milliseconds=e["keepMs"])
        kept = doc["events"][max(0, len(doc["events"]) + 1 - e["keep"]):]
        doc["events"] = [x for x in kept if parse_time(x["at"]) >= cutoff] + [e["add"]]
    elif t == "block":
        gone = block_key(put if put is not None else e["del"])
        kept = [b for b in doc["dm"]["blocks"] if block_key(b) != gone]
        at = next((i for i, b in enumerate(doc["dm"]["blocks"]) if block_key(b) == gone), len(kept))
        doc["dm"]["blocks"] = kept[:at] + [put] + kept[at:] if put is not None else kept
    elif t == "setting":
        doc["settings"].update({put[0]: put[1]}) if put is not None else doc["settings"].pop(e["del"], None)
    elif t == "idForm":
        doc["idForm"] = put
    else:
        raise ValueError(f"unknown effect {t!r}")


class Store:
    def __init__(self, path):
        self.path, self.journal_path, self.journal, self.on_record = path, path + ".journal", None, None
        self.reload()

    def reload(self):
        """The snapshot, then the journal it continues. A header newer than the snapshot: a compaction ran; again."""
        for _ in range(5):
            self.doc = load_snapshot(self.path)
            self.seq = self.doc["seq"]
            if self.open_journal():
                return
        raise Damaged(f"The store {self.journal_path} cannot be used: it starts after the snapshot's last change.")

    def open_journal(self):
        """Opens the journal at its path and reads it; False when it starts after what we hold."""
        if self.journal:
            self.journal.close()
        self.journal, self.base, self.offset, self.sealed = None, None, 0, False
        try:
            self.journal = open(self.journal_path, "rb")
        except FileNotFoundError:
            return True  # the snapshot is all there is
        self.read_new()
        return self.base is None or self.base <= self.seq

    def damaged(self, at, why):
        return Damaged(f"The store {self.journal_path} cannot be used: the line at byte {at} {why}.")

    def read_new(self):
        """Applies each new complete line; bytes after the last newline are left for later (being written, or torn)."""
        self.journal.seek(self.offset)
        data, start = self.journal.read(), 0
        while not self.sealed and (end := data.find(b"\n", start)) >= 0:
            at, line, start = self.offset, data[start:end], end + 1
            if len(line) < 10 or line[8:9] != b" ":
                raise self.damaged(at, "is damaged: it does not start with a checksum")
            if line[:8] != b"%08x" % zlib.crc32(line[9:]):
                raise self.damaged(at, "is damaged: its checksum does not match")
            try:
                value = json.loads(line[9:])
                assert isinstance(value, dict) and all(isinstance(value.get(k, 0), int) for k in ("journal", "base", "seq", "sealed"))
                assert "journal" in value or "sealed" in value or isinstance(value.get("fx"), list)
            except (ValueError, AssertionError):
                raise self.damaged(at, "does not match the journal format")
            if "journal" in value:
                if at != 0 or value["journal"] != 1:
                    raise self.damaged(at, "is a header in the wrong place, or of an unknown format")
                self.base = value["base"]
                if self.base > self.seq:
                    return  # it continues a newer snapshot (we missed a compaction): the caller reads the snapshot again
            elif "sealed" in value:
                if value["sealed"] > self.seq:
                    raise self.damaged(at, f"seals the journal at change {value['sealed']}, but changes {self.seq + 1} to {value['sealed']} are missing")
                # Equal to what we hold: replaced by a compaction, nothing after this counts. Lower: written by a
                # compactor that was fenced off (others wrote first); void, skipped like a fenced-off record.
                self.sealed = value["sealed"] == self.seq
            elif value["seq"] > self.seq + 1:
                raise self.damaged(at, f"holds change {value['seq']}, but change {self.seq + 1} is missing")
            elif value["seq"] == self.seq + 1:
                try:
                    for e in value["fx"]:
                        apply(self.doc, e)
                except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
                    raise self.damaged(at, f"does not match the journal format ({e!r})")
                self.seq = self.doc["seq"] = value["seq"]
                if self.on_record:
                    self.on_record(value)
            # else: seq <= ours: compacted into the snapshot already, or a fenced-off write. Skipped.
            self.offset = at + len(line) + 1

    def catch_up(self):
        if self.journal is None:
            if os.path.exists(self.journal_path):
                self.reload()
            return
        self.read_new()
        if not self.sealed:
            return
        try:
            now, mine = os.stat(self.journal_path), os.fstat(self.journal.fileno())
            moved = (now.st_dev, now.st_ino) != (mine.st_dev, mine.st_ino)
        except FileNotFoundError:
            moved = False
        # Replaced: go on in the new journal. Same file: the compaction is not finished (its compactor is
        # between its seal and its rename, or died there; the next writer finishes it): everything up to
        # the seal is current; look again later.
        if moved and not self.open_journal():
            self.reload()  # its header is above what we hold: we missed a compaction; not damage
            if self.on_record:
                print(json.dumps(summary(self)), flush=True)


def summary(store):
    now = datetime.datetime.now(datetime.timezone.utc)
    expired = lambda r: datetime.datetime.fromisoformat(r["expiresAt"].replace("Z", "+00:00")) <= now
    allowed = {c: {a: sorted(s) for a, s in accounts.items()} for c, accounts in store.doc["dm"]["allowlist"].items()}
    return {"seq": store.seq, "pendingDm": sorted(r["code"] for r in store.doc["dm"]["requests"] if not expired(r)), "allowed": allowed}


def main(argv):
    if not argv or argv[0].startswith("-") or ("--allowed" in argv and len(argv) < argv.index("--allowed") + 3):
        sys.exit(__doc__)
    try:
        store = Store(argv[0])
        if "--allowed" in argv:
            channel, sender, *account = argv[argv.index("--allowed") + 1:][:3]
            # The id as the store keeps it (its one form, docs/store.md "Sender ids"); temporary access counts until it ends.
            entry = store.doc["dm"]["allowlist"].get(channel, {}).get((account or ["default"])[0], {}).get(sender)
            allowed = entry is not None and ("until" not in entry or parse_time(entry["until"]) > datetime.datetime.now(datetime.timezone.utc))
            print("yes" if allowed else "no")
            return 0 if allowed else 1
        print(json.dumps(store.doc if "--document" in argv else summary(store)), flush=True)
        if "--follow" not in argv:
            return 0
        deadline = time.monotonic() + (float(argv[argv.index("--seconds") + 1]) if "--seconds" in argv else 600)
        store.on_record = lambda r: print(json.dumps({"seq": r["seq"], "effects": [e["t"] for e in r["fx"]]}), flush=True)
        while time.monotonic() < deadline:
            store.catch_up()
            if select.select([sys.stdin], [], [], 0.05)[0] and not sys.stdin.buffer.read1(4096):
                break  # stdin closed
        print(json.dumps(summary(store)), flush=True)
        return 0
    except Damaged as e:
        print(e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
