# pairbot's texts (Telegram HTML). Variables arrive already escaped.
# Operators can override any message here through TEMPLATES_FILE (see locales/bot/README.md).

start =
    <b>pairbot</b> is your pairing console: you decide who may message your assistant and which devices may join your gateway. New requests arrive here with Approve and Deny buttons.

    { help-commands }

help-commands =
    /pair [operator] — a setup code for a new device (a node, or an operator)
    /pair qr [operator] — the same code as a QR image
    /pair pending — requests waiting for you
    /pair approve [id | code] — approve a request
    /pair reject &lt;id&gt; — reject a device request
    /pair deny &lt;code&gt; — deny a DM request
    /pair devices — paired devices
    /pair revoke &lt;deviceId&gt; | &lt;channel&gt; &lt;senderId&gt; — remove access
    /pair cleanup — invalidate all unused setup codes
    /pair notify on | off | once | status — push notifications
    /pair status — the store, its change feed, pending requests, the last alert, the gateway
    /pair timezone [Area/City] — the time zone times are shown in
    /help — this list

private = This bot is private. (Your Telegram user id is { $userId }.)
unknown-input = Send /help for the commands.

menu-start = What pairbot does
menu-help = The commands
menu-pair = Setup code, pending requests, devices

## /pair
pair-instructions =
    <b>Pair a new device</b>
    1. Open the app on the device: Settings → Gateway.
    2. Paste the setup code from the next message and tap Connect.

    The code is valid until { $until } ({ $minutes } min). Treat it like a password: whoever has it can ask to pair.
    If it leaked, send /pair cleanup.
pair-copy = Copy
pair-qr-caption =
    Scan this with the new device's camera (Settings → Gateway). Valid until { $until } ({ $minutes } min).
    Treat it like a password; if it leaked, send /pair cleanup.
cleanup-done = Invalidated { $count } unused setup code(s); pending devices that used them were rejected.
cleanup-none = There were no unused setup codes.
notify-on = Push notifications are on.
notify-off = Push notifications are off. /pair pending still lists everything.

## Request cards
card-dm =
    <b>DM pairing request</b>
    Channel: { $channel }
    Sender: <code>{ $identifier }</code>
    Name: { $name }
    Code: <code>{ $code }</code>
    Expires { $expiresIn }
card-dm-message = Message: <blockquote>{ $message }</blockquote>
card-dm-last-message = Latest: <blockquote>{ $message }</blockquote>
card-device =
    <b>Device pairing request</b>
    Name: { $name }
    Platform: { $platform }
    Role: { $role }
    Scopes: { $scopes }
    Address: { $address }
    Request id: <code>{ $requestId }</code>
    Asked { $age }, expires { $expiresIn }
name-unknown = (no name)
scopes-none = none
button-approve = Approve
button-deny = Deny
button-approve-day = Approve for 24 h
button-deny-block = Deny &amp; block
button-revoke = Revoke

## Outcomes, shown on a card once its request is no longer pending
outcome-approve = ✅ Approved by { $actor } at { $time }
outcome-allow = ✅ Allowed by { $actor } at { $time }
outcome-deny = ❌ Denied by { $actor } at { $time }
outcome-block = ⛔ Denied and blocked by { $actor } at { $time }
outcome-reject = ❌ Rejected by { $actor } at { $time }
outcome-expire = ⌛ Expired at { $time }
outcome-supersede = ↻ Replaced at { $time } by a newer request from the same device
outcome-unknown = This request is no longer pending.
actor-you = you
actor-owner = owner { $id }
actor-cli = the command line
actor-cli-user = the command line ({ $user })
actor-gateway = the gateway
setup-gone-token = This setup code was used by a device and no longer works.
setup-gone-expire = This setup code expired.
setup-gone-cleanup = This setup code was invalidated (/pair cleanup).
setup-gone-reject = This setup code was withdrawn: the device that used it was rejected.
setup-gone-unknown = This setup code no longer works.

## /pair pending
pending-none = Nothing pending.
pending-header = Pending: { $devices } device request(s), { $dms } DM request(s).
pending-more = …and { $more } more. Decide on these first, then send /pair pending again.

## Decisions
approved-dm = ✅ Approved { $name } (<code>{ $identifier }</code>) on { $channel }: they can message your assistant now.
approved-device = ✅ Approved the device { $name } ({ $platform }, { $role }): it gets its token when it reconnects.
denied-dm = ❌ Denied { $name } (<code>{ $identifier }</code>) on { $channel }.
rejected-device = ❌ Rejected the device { $name } ({ $platform }).
already-handled = Already handled or expired: nothing changed.
button-expired = This button has expired: nothing changed.
not-found = No pending request matches <code>{ $id }</code>. See /pair pending.
throttled = Too many wrong codes: approving by code is paused for a while. Use the buttons in /pair pending.
error-generic = That did not work: { $reason }

## /pair approve without an id
approve-choose = Several requests are pending. Which one do you want to approve?
approve-confirm =
    Approve this request?

    { $summary }
summary-dm = { $name } (<code>{ $identifier }</code>) on { $channel }, code <code>{ $code }</code>
summary-device = device { $name } ({ $platform }, { $role }), request <code>{ $requestId }</code>
ask-approve = Yes, approve
ask-no = No
ask-cancel = Cancel
approve-cancelled = Nothing was approved.

## /pair devices and /pair revoke
devices-none = No paired devices.
device-row =
    <b>{ $name }</b> ({ $platform }, { $role })
    Scopes: { $scopes }
    Device id: <code>{ $deviceId }</code>
    Paired { $age } by { $actor }
devices-more = …and { $more } more; <code>pairbot devices list</code> on the command line lists them all.
revoke-confirm-device = Revoke the device { $name } ({ $platform }, { $role })? It will have to pair again.
revoke-confirm-sender = Remove <code>{ $identifier }</code> from the allowlist of { $channel }?
ask-revoke = Yes, revoke
revoked-device = Revoked the device { $name }.
revoked-sender = Removed <code>{ $identifier }</code> from the allowlist of { $channel }.
revoke-cancelled = Nothing was revoked.
no-device = No paired device has the id <code>{ $id }</code>. See /pair devices.
revoke-not-allowed = <code>{ $identifier }</code> is not on the allowlist of { $channel }; <code>pairbot allowlist list</code> shows who is.
revoke-which-account = <code>{ $identifier }</code> is allowed on several accounts of { $channel } ({ $accounts }); name one: /pair revoke { $channel } { $identifier } &lt;account&gt;

## Usage lines
usage-pair = Usage: /pair [operator | qr | pending | approve | reject | deny | devices | revoke | cleanup | notify | status | timezone]. /help explains each.
usage-approve = Usage: /pair approve, /pair approve &lt;requestId | code&gt; or /pair approve &lt;channel&gt; &lt;code&gt;
usage-reject = Usage: /pair reject &lt;requestId&gt;
usage-deny = Usage: /pair deny &lt;code&gt; or /pair deny &lt;channel&gt; &lt;code | senderId&gt;
usage-revoke = Usage: /pair revoke &lt;deviceId&gt; or /pair revoke &lt;channel&gt; &lt;senderId&gt; [account]
usage-notify = Usage: /pair notify on | off | once | status
usage-simple = Usage: /pair { $sub } (it takes no arguments)

## A request that ended: what the card keeps, and how it ended
ended-dm =
    <b>DM pairing request</b>
    Channel: { $channel }
    Sender: <code>{ $identifier }</code>
    Name: { $name }
ended-device =
    <b>Device pairing request</b>
    Name: { $name }
    Platform: { $platform }
    Role: { $role }
    Address: { $address }
ended-dm-short =
    <b>DM pairing request</b>
    Channel: { $channel }
    Sender: <code>{ $identifier }</code>
ended-device-short =
    <b>Device pairing request</b>
    Name: { $name }
    Device id: <code>{ $identifier }</code>
ended-unknown = Request <code>{ $id }</code>
outcome-cleanup = ❌ Withdrawn by { $actor } at { $time }: its setup code was invalidated (/pair cleanup)
actor-owner-named = { $name }

## Several requests in one message (they arrived within a second)
digest-title = <b>{ $count } new pairing requests</b>
digest-line = { $n }. { $summary } · expires { $expiresIn }
digest-line-ended = { $n }. { $summary }: { $outcome }
button-approve-n = Approve { $n }
button-deny-n = Deny { $n }

## A flood of refused requests, summed up once per channel and window (the gateway records it)
refusals-summary = ⚠️ { $refused ->
        [one] 1 more request
       *[other] { $refused } more requests
    } on { $channel } { $refused ->
        [one] was
       *[other] were
    } refused in the last { $minutes ->
        [one] minute
       *[other] { $minutes } minutes
    }: too many people were already waiting. Nothing was stored for them, and no alert follows for each.

## /pair devices cards
device-revoked-line = Access revoked by you at { $time }.
device-gone = This device (<code>{ $id }</code>) is no longer paired. /pair devices lists the paired ones.

## /pair timezone
timezone-current = Times are shown in { $zone } (it is { $time } there now). Change it with /pair timezone Area/City, for example /pair timezone Europe/Berlin.
timezone-set = Times are now shown in { $zone }: it is { $time } there.
timezone-unknown = <code>{ $zone }</code> is not a time zone name. Use Area/City, for example Europe/Berlin, America/New_York or UTC.
usage-timezone = Usage: /pair timezone or /pair timezone &lt;Area/City&gt;

## Device onboarding: gateway addresses and access, QR failures, one-shot notifications, status
pair-addresses = Gateway addresses, tried in this order: { $urls }
pair-limited = This code pairs a node with no scopes: a gateway address uses plain ws://.
pair-downgraded = Plain ws:// was limited for safety: use wss:// to pair an operator device.
pair-qr-failed = The QR image could not be sent, so its setup code was withdrawn: nobody can use it. Send /pair qr to try again.
pair-qr-armed = Your notifications are off: you will get one for the next request only.
notify-once = You will get a notification for the next request only; after it they stay off.
notify-once-on = Push notifications are on already: every request is announced.
notify-status-on = Push notifications are on: every request is announced.
notify-status-off = Push notifications are off. /pair notify once announces the next request only.
notify-status-once = Push notifications are off, but the next request will be announced (once).
card-auto-approved =
    <b>Device approved automatically</b>
    Name: { $name }
    Platform: { $platform }
    Role: { $role }
    Address: { $address }, inside the trusted range { $cidr } (setting device.autoApproveCidrs)
    Device id: <code>{ $deviceId }</code>
    Not one of yours? Revoke it.
status =
    <b>pairbot status</b>
    Store: { $store } ({ $backend })
    Change feed: { $feed }
    Pending: { $devices } device request(s), { $dms } DM request(s)
    Last alert: { $lastAlert }
    Gateway in setup codes:
    { $gateways }
status-backend-file = file
status-backend-postgres = PostgreSQL
status-feed = { $mode }, last change { $age }
status-feed-quiet = { $mode }, no change seen since the bot started
status-feed-off = not running (push notifications are not started)
status-feed-watching = watching
status-feed-polling = polling
status-feed-failing = failing: { $error } ({ $age })
status-last-alert = { $age } to { $owner }
status-last-alert-none = none sent
status-gateway-up = ✅ { $url } answers
status-gateway-down = ❌ { $url } does not answer ({ $reason })
status-gateway-limited = Setup codes are limited to nodes: a gateway address uses plain ws://.
