# pairbot-Texte (Telegram-HTML). Variablen kommen bereits maskiert an.

start =
    <b>pairbot</b> ist deine Pairing-Konsole: Du entscheidest, wer deinem Assistenten schreiben darf und welche Geräte sich mit deinem Gateway verbinden dürfen. Neue Anfragen kommen hier mit den Knöpfen Zulassen und Ablehnen an.

    { help-commands }

help-commands =
    /pair [operator] — ein Einrichtungscode für ein neues Gerät (Knoten oder Operator)
    /pair qr [operator] — derselbe Code als QR-Bild
    /pair pending — offene Anfragen
    /pair approve [ID | Code] — eine Anfrage zulassen
    /pair reject &lt;ID&gt; — eine Geräteanfrage ablehnen
    /pair deny &lt;Code&gt; — eine DM-Anfrage ablehnen
    /pair devices — gekoppelte Geräte
    /pair revoke &lt;Geräte-ID&gt; | &lt;Kanal&gt; &lt;Absender-ID&gt; — Zugang entziehen
    /pair cleanup — alle unbenutzten Einrichtungscodes ungültig machen
    /pair notify on | off | once | status — Push-Benachrichtigungen
    /pair status — Speicher, Änderungen, offene Anfragen, letzte Benachrichtigung, Gateway
    /pair timezone [Gebiet/Stadt] — die Zeitzone für Uhrzeiten
    /help — diese Liste

private = Dieser Bot ist privat. (Deine Telegram-Nutzer-ID ist { $userId }.)
unknown-input = Sende /help für die Befehle.

menu-start = Was pairbot tut
menu-help = Die Befehle
menu-pair = Einrichtungscode, offene Anfragen, Geräte

pair-instructions =
    <b>Ein neues Gerät koppeln</b>
    1. Öffne die App auf dem Gerät: Einstellungen → Gateway.
    2. Füge den Einrichtungscode aus der nächsten Nachricht ein und tippe auf Verbinden.

    Der Code gilt bis { $until } Uhr ({ $minutes } Min.). Behandle ihn wie ein Passwort: Wer ihn hat, kann eine Kopplung anfragen.
    Falls er in falsche Hände geraten ist, sende /pair cleanup.
pair-copy = Kopieren
pair-qr-caption =
    Scanne dies mit der Kamera des neuen Geräts (Einstellungen → Gateway). Gültig bis { $until } Uhr ({ $minutes } Min.).
    Behandle ihn wie ein Passwort; falls er in falsche Hände geraten ist, sende /pair cleanup.
cleanup-done = { $count } unbenutzte(r) Einrichtungscode(s) ungültig gemacht; Geräte, die sie benutzt hatten, wurden abgelehnt.
cleanup-none = Es gab keine unbenutzten Einrichtungscodes.
notify-on = Push-Benachrichtigungen sind an.
notify-off = Push-Benachrichtigungen sind aus. /pair pending zeigt weiterhin alles.

card-dm =
    <b>DM-Kopplungsanfrage</b>
    Kanal: { $channel }
    Absender: <code>{ $identifier }</code>
    Name: { $name }
    Code: <code>{ $code }</code>
    Läuft ab { $expiresIn }
card-dm-message = Nachricht: <blockquote>{ $message }</blockquote>
card-dm-last-message = Zuletzt: <blockquote>{ $message }</blockquote>
card-device =
    <b>Geräte-Kopplungsanfrage</b>
    Name: { $name }
    Plattform: { $platform }
    Rolle: { $role }
    Berechtigungen: { $scopes }
    Adresse: { $address }
    Anfrage-ID: <code>{ $requestId }</code>
    Angefragt { $age }, läuft ab { $expiresIn }
name-unknown = (kein Name)
scopes-none = keine
button-approve = Zulassen
button-deny = Ablehnen
button-approve-day = Für 24 h zulassen
button-deny-block = Ablehnen &amp; sperren
button-revoke = Entziehen

outcome-approve = ✅ Zugelassen von { $actor } um { $time }
outcome-allow = ✅ Erlaubt von { $actor } um { $time }
outcome-deny = ❌ Abgelehnt von { $actor } um { $time }
outcome-block = ⛔ Abgelehnt und gesperrt von { $actor } um { $time }
outcome-reject = ❌ Abgelehnt von { $actor } um { $time }
outcome-expire = ⌛ Abgelaufen um { $time }
outcome-supersede = ↻ Um { $time } durch eine neuere Anfrage desselben Geräts ersetzt
outcome-unknown = Diese Anfrage ist nicht mehr offen.
actor-you = dir
actor-owner = Besitzer { $id }
actor-cli = der Kommandozeile
actor-cli-user = der Kommandozeile ({ $user })
actor-gateway = dem Gateway
setup-gone-token = Dieser Einrichtungscode wurde von einem Gerät benutzt und gilt nicht mehr.
setup-gone-expire = Dieser Einrichtungscode ist abgelaufen.
setup-gone-cleanup = Dieser Einrichtungscode wurde ungültig gemacht (/pair cleanup).
setup-gone-reject = Dieser Einrichtungscode wurde zurückgezogen: Das Gerät, das ihn benutzt hat, wurde abgelehnt.
setup-gone-unknown = Dieser Einrichtungscode gilt nicht mehr.

pending-none = Nichts offen.
pending-header = Offen: { $devices } Geräteanfrage(n), { $dms } DM-Anfrage(n).
pending-more = …und { $more } weitere. Entscheide zuerst über diese und sende dann erneut /pair pending.

approved-dm = ✅ { $name } (<code>{ $identifier }</code>) auf { $channel } zugelassen: Er oder sie kann deinem Assistenten jetzt schreiben.
approved-device = ✅ Gerät { $name } ({ $platform }, { $role }) zugelassen: Es erhält sein Token bei der nächsten Verbindung.
denied-dm = ❌ { $name } (<code>{ $identifier }</code>) auf { $channel } abgelehnt.
rejected-device = ❌ Gerät { $name } ({ $platform }) abgelehnt.
already-handled = Bereits erledigt oder abgelaufen: nichts geändert.
button-expired = Dieser Knopf ist abgelaufen: nichts geändert.
not-found = Keine offene Anfrage passt zu <code>{ $id }</code>. Siehe /pair pending.
throttled = Zu viele falsche Codes: Zulassen per Code ist eine Weile gesperrt. Nutze die Knöpfe in /pair pending.
error-generic = Das hat nicht geklappt: { $reason }

approve-choose = Mehrere Anfragen sind offen. Welche möchtest du zulassen?
approve-confirm =
    Diese Anfrage zulassen?

    { $summary }
summary-dm = { $name } (<code>{ $identifier }</code>) auf { $channel }, Code <code>{ $code }</code>
summary-device = Gerät { $name } ({ $platform }, { $role }), Anfrage <code>{ $requestId }</code>
ask-approve = Ja, zulassen
ask-no = Nein
ask-cancel = Abbrechen
approve-cancelled = Nichts wurde zugelassen.

devices-none = Keine gekoppelten Geräte.
device-row =
    <b>{ $name }</b> ({ $platform }, { $role })
    Berechtigungen: { $scopes }
    Geräte-ID: <code>{ $deviceId }</code>
    Gekoppelt { $age } von { $actor }
devices-more = …und { $more } weitere; <code>pairbot devices list</code> in der Kommandozeile zeigt alle.
revoke-confirm-device = Dem Gerät { $name } ({ $platform }, { $role }) den Zugang entziehen? Es muss sich dann neu koppeln.
revoke-confirm-sender = <code>{ $identifier }</code> von der Erlaubnisliste von { $channel } entfernen?
ask-revoke = Ja, entziehen
revoked-device = Dem Gerät { $name } wurde der Zugang entzogen.
revoked-sender = <code>{ $identifier }</code> wurde von der Erlaubnisliste von { $channel } entfernt.
revoke-cancelled = Nichts wurde entzogen.
no-device = Kein gekoppeltes Gerät hat die ID <code>{ $id }</code>. Siehe /pair devices.
revoke-not-allowed = <code>{ $identifier }</code> steht nicht auf der Erlaubnisliste von { $channel }; <code>pairbot allowlist list</code> zeigt, wer darauf steht.
revoke-which-account = <code>{ $identifier }</code> ist auf mehreren Konten von { $channel } erlaubt ({ $accounts }); nenne eines: /pair revoke { $channel } { $identifier } &lt;Konto&gt;

usage-pair = Verwendung: /pair [operator | qr | pending | approve | reject | deny | devices | revoke | cleanup | notify | status | timezone]. /help erklärt alles.
usage-approve = Verwendung: /pair approve, /pair approve &lt;Anfrage-ID | Code&gt; oder /pair approve &lt;Kanal&gt; &lt;Code&gt;
usage-reject = Verwendung: /pair reject &lt;Anfrage-ID&gt;
usage-deny = Verwendung: /pair deny &lt;Code&gt; oder /pair deny &lt;Kanal&gt; &lt;Code | Absender-ID&gt;
usage-revoke = Verwendung: /pair revoke &lt;Geräte-ID&gt; oder /pair revoke &lt;Kanal&gt; &lt;Absender-ID&gt; [Konto]
usage-notify = Verwendung: /pair notify on | off | once | status
usage-simple = Verwendung: /pair { $sub } (ohne Argumente)

ended-dm =
    <b>DM-Kopplungsanfrage</b>
    Kanal: { $channel }
    Absender: <code>{ $identifier }</code>
    Name: { $name }
ended-device =
    <b>Geräte-Kopplungsanfrage</b>
    Name: { $name }
    Plattform: { $platform }
    Rolle: { $role }
    Adresse: { $address }
ended-dm-short =
    <b>DM-Kopplungsanfrage</b>
    Kanal: { $channel }
    Absender: <code>{ $identifier }</code>
ended-device-short =
    <b>Geräte-Kopplungsanfrage</b>
    Name: { $name }
    Geräte-ID: <code>{ $identifier }</code>
ended-unknown = Anfrage <code>{ $id }</code>
outcome-cleanup = ❌ Zurückgezogen von { $actor } um { $time }: Ihr Einrichtungscode wurde ungültig gemacht (/pair cleanup)
actor-owner-named = { $name }

digest-title = <b>{ $count } neue Kopplungsanfragen</b>
digest-line = { $n }. { $summary } · läuft ab { $expiresIn }
digest-line-ended = { $n }. { $summary }: { $outcome }
button-approve-n = Zulassen { $n }
button-deny-n = Ablehnen { $n }

refusals-summary = ⚠️ { $refused ->
        [one] 1 weitere Anfrage
       *[other] { $refused } weitere Anfragen
    } auf { $channel } { $refused ->
        [one] wurde
       *[other] wurden
    } in { $minutes ->
        [one] der letzten Minute
       *[other] den letzten { $minutes } Minuten
    } abgewiesen: Es warteten schon zu viele. Für sie wurde nichts gespeichert, und es folgt keine Einzelmeldung.

device-revoked-line = Zugang entzogen von dir um { $time }.
device-gone = Dieses Gerät (<code>{ $id }</code>) ist nicht mehr gekoppelt. /pair devices zeigt die gekoppelten.

timezone-current = Uhrzeiten werden in { $zone } angezeigt (dort ist es jetzt { $time }). Ändern mit /pair timezone Gebiet/Stadt, zum Beispiel /pair timezone Europe/Berlin.
timezone-set = Uhrzeiten werden jetzt in { $zone } angezeigt: Dort ist es { $time }.
timezone-unknown = <code>{ $zone }</code> ist kein Zeitzonenname. Nutze Gebiet/Stadt, zum Beispiel Europe/Berlin, America/New_York oder UTC.
usage-timezone = Verwendung: /pair timezone oder /pair timezone &lt;Gebiet/Stadt&gt;

## Geräte einrichten: Gateway-Adressen und Zugang, QR-Fehler, einmalige Benachrichtigung, Status
pair-addresses = Gateway-Adressen, in dieser Reihenfolge versucht: { $urls }
pair-limited = Dieser Code koppelt nur einen Knoten ohne Berechtigungen: eine Gateway-Adresse nutzt unverschlüsseltes ws://.
pair-downgraded = Unverschlüsseltes ws:// wurde zur Sicherheit eingeschränkt: verwende wss://, um ein Operator-Gerät zu koppeln.
pair-qr-failed = Das QR-Bild konnte nicht gesendet werden, daher wurde sein Einrichtungscode zurückgezogen: niemand kann ihn benutzen. Sende /pair qr, um es erneut zu versuchen.
pair-qr-armed = Deine Benachrichtigungen sind aus: du bekommst eine nur für die nächste Anfrage.
notify-once = Du bekommst eine Benachrichtigung nur für die nächste Anfrage; danach bleiben sie aus.
notify-once-on = Push-Benachrichtigungen sind bereits an: jede Anfrage wird gemeldet.
notify-status-on = Push-Benachrichtigungen sind an: jede Anfrage wird gemeldet.
notify-status-off = Push-Benachrichtigungen sind aus. /pair notify once meldet nur die nächste Anfrage.
notify-status-once = Push-Benachrichtigungen sind aus, aber die nächste Anfrage wird gemeldet (einmal).
card-auto-approved =
    <b>Gerät automatisch genehmigt</b>
    Name: { $name }
    Plattform: { $platform }
    Rolle: { $role }
    Adresse: { $address }, im vertrauenswürdigen Bereich { $cidr } (Einstellung device.autoApproveCidrs)
    Geräte-ID: <code>{ $deviceId }</code>
    Nicht deins? Widerrufe es.
status =
    <b>pairbot-Status</b>
    Speicher: { $store } ({ $backend })
    Änderungen: { $feed }
    Offen: { $devices } Geräteanfrage(n), { $dms } DM-Anfrage(n)
    Letzte Benachrichtigung: { $lastAlert }
    Gateway in Einrichtungscodes:
    { $gateways }
status-backend-file = Datei
status-backend-postgres = PostgreSQL
status-feed = { $mode }, letzte Änderung { $age }
status-feed-quiet = { $mode }, keine Änderung seit dem Start des Bots
status-feed-off = läuft nicht (Push-Benachrichtigungen sind nicht gestartet)
status-feed-watching = beobachtet
status-feed-polling = fragt regelmäßig ab
status-feed-failing = gestört: { $error } ({ $age })
status-last-alert = { $age } an { $owner }
status-last-alert-none = keine gesendet
status-gateway-up = ✅ { $url } antwortet
status-gateway-down = ❌ { $url } antwortet nicht ({ $reason })
status-gateway-limited = Einrichtungscodes koppeln nur Knoten: eine Gateway-Adresse nutzt unverschlüsseltes ws://.
