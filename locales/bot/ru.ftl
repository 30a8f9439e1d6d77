# Тексты pairbot (HTML Telegram). Переменные приходят уже экранированными.

start =
    <b>pairbot</b> — ваша консоль сопряжения: вы решаете, кто может писать вашему ассистенту и какие устройства могут подключаться к шлюзу. Новые запросы приходят сюда с кнопками «Разрешить» и «Отклонить».

    { help-commands }

help-commands =
    /pair [operator] — код настройки для нового устройства (узел или оператор)
    /pair qr [operator] — тот же код в виде QR-изображения
    /pair pending — запросы, ожидающие решения
    /pair approve [id | код] — разрешить запрос
    /pair reject &lt;id&gt; — отклонить запрос устройства
    /pair deny &lt;код&gt; — отклонить запрос на переписку
    /pair devices — сопряжённые устройства
    /pair revoke &lt;deviceId&gt; | &lt;канал&gt; &lt;senderId&gt; — отозвать доступ
    /pair cleanup — аннулировать все неиспользованные коды настройки
    /pair notify on | off | once | status — push-уведомления
    /pair status — хранилище, лента изменений, запросы, последнее уведомление, шлюз
    /pair timezone [Регион/Город] — часовой пояс для времени
    /help — этот список

private = Это частный бот. (Ваш идентификатор в Telegram: { $userId }.)
unknown-input = Отправьте /help, чтобы увидеть команды.

menu-start = Что делает pairbot
menu-help = Команды
menu-pair = Код настройки, запросы, устройства

pair-instructions =
    <b>Сопряжение нового устройства</b>
    1. Откройте приложение на устройстве: Настройки → Шлюз.
    2. Вставьте код настройки из следующего сообщения и нажмите «Подключить».

    Код действует до { $until } ({ $minutes } мин). Обращайтесь с ним как с паролем: любой, у кого он есть, может запросить сопряжение.
    Если код утёк, отправьте /pair cleanup.
pair-copy = Копировать
pair-qr-caption =
    Отсканируйте камерой нового устройства (Настройки → Шлюз). Действует до { $until } ({ $minutes } мин).
    Обращайтесь с ним как с паролем; если код утёк, отправьте /pair cleanup.
cleanup-done = Аннулировано неиспользованных кодов: { $count }; устройства, которые их использовали, отклонены.
cleanup-none = Неиспользованных кодов настройки не было.
notify-on = Push-уведомления включены.
notify-off = Push-уведомления выключены. /pair pending по-прежнему показывает всё.

card-dm =
    <b>Запрос на переписку</b>
    Канал: { $channel }
    Отправитель: <code>{ $identifier }</code>
    Имя: { $name }
    Код: <code>{ $code }</code>
    Истекает { $expiresIn }
card-dm-message = Сообщение: <blockquote>{ $message }</blockquote>
card-dm-last-message = Последнее: <blockquote>{ $message }</blockquote>
card-device =
    <b>Запрос на сопряжение устройства</b>
    Имя: { $name }
    Платформа: { $platform }
    Роль: { $role }
    Права: { $scopes }
    Адрес: { $address }
    ID запроса: <code>{ $requestId }</code>
    Запрошено { $age }, истекает { $expiresIn }
name-unknown = (без имени)
scopes-none = нет
button-approve = Разрешить
button-deny = Отклонить
button-approve-day = Разрешить на 24 ч
button-deny-block = Отклонить и заблокировать
button-revoke = Отозвать

outcome-approve = ✅ Разрешено: { $actor }, { $time }
outcome-allow = ✅ Добавлено: { $actor }, { $time }
outcome-deny = ❌ Отклонено: { $actor }, { $time }
outcome-block = ⛔ Отклонено и заблокировано: { $actor }, { $time }
outcome-reject = ❌ Отклонено: { $actor }, { $time }
outcome-expire = ⌛ Истёк в { $time }
outcome-supersede = ↻ Заменён в { $time } новым запросом того же устройства
outcome-unknown = Этот запрос больше не ожидает решения.
actor-you = вы
actor-owner = владелец { $id }
actor-cli = командная строка
actor-cli-user = командная строка ({ $user })
actor-gateway = шлюз
setup-gone-token = Этот код настройки использован устройством и больше не действует.
setup-gone-expire = Срок действия этого кода настройки истёк.
setup-gone-cleanup = Этот код настройки аннулирован (/pair cleanup).
setup-gone-reject = Этот код настройки отозван: использовавшее его устройство отклонено.
setup-gone-unknown = Этот код настройки больше не действует.

pending-none = Ничего не ожидает решения.
pending-header = Ожидают решения: запросов устройств — { $devices }, запросов на переписку — { $dms }.
pending-more = …и ещё { $more }. Сначала решите по этим, затем снова отправьте /pair pending.

approved-dm = ✅ { $name } (<code>{ $identifier }</code>) в { $channel } разрешён: теперь он может писать вашему ассистенту.
approved-device = ✅ Устройство { $name } ({ $platform }, { $role }) разрешено: оно получит токен при следующем подключении.
denied-dm = ❌ { $name } (<code>{ $identifier }</code>) в { $channel } отклонён.
rejected-device = ❌ Устройство { $name } ({ $platform }) отклонено.
already-handled = Уже обработано или истекло: ничего не изменилось.
button-expired = Эта кнопка устарела: ничего не изменилось.
not-found = Нет ожидающего запроса для <code>{ $id }</code>. См. /pair pending.
throttled = Слишком много неверных кодов: разрешение по коду временно приостановлено. Используйте кнопки в /pair pending.
error-generic = Не получилось: { $reason }

approve-choose = Ожидают несколько запросов. Какой разрешить?
approve-confirm =
    Разрешить этот запрос?

    { $summary }
summary-dm = { $name } (<code>{ $identifier }</code>) в { $channel }, код <code>{ $code }</code>
summary-device = устройство { $name } ({ $platform }, { $role }), запрос <code>{ $requestId }</code>
ask-approve = Да, разрешить
ask-no = Нет
ask-cancel = Отмена
approve-cancelled = Ничего не разрешено.

devices-none = Сопряжённых устройств нет.
device-row =
    <b>{ $name }</b> ({ $platform }, { $role })
    Права: { $scopes }
    ID устройства: <code>{ $deviceId }</code>
    Сопряжено { $age }, кем: { $actor }
devices-more = …и ещё { $more }; <code>pairbot devices list</code> в командной строке покажет все.
revoke-confirm-device = Отозвать доступ устройства { $name } ({ $platform }, { $role })? Ему придётся пройти сопряжение заново.
revoke-confirm-sender = Удалить <code>{ $identifier }</code> из списка разрешённых в { $channel }?
ask-revoke = Да, отозвать
revoked-device = Доступ устройства { $name } отозван.
revoked-sender = <code>{ $identifier }</code> удалён из списка разрешённых в { $channel }.
revoke-cancelled = Ничего не отозвано.
no-device = Нет сопряжённого устройства с ID <code>{ $id }</code>. См. /pair devices.
revoke-not-allowed = <code>{ $identifier }</code> нет в списке разрешённых в { $channel }; <code>pairbot allowlist list</code> показывает, кто в нём есть.
revoke-which-account = <code>{ $identifier }</code> разрешён в нескольких аккаунтах { $channel } ({ $accounts }); укажите один: /pair revoke { $channel } { $identifier } &lt;аккаунт&gt;

usage-pair = Использование: /pair [operator | qr | pending | approve | reject | deny | devices | revoke | cleanup | notify | status | timezone]. Подробнее: /help.
usage-approve = Использование: /pair approve, /pair approve &lt;requestId | код&gt; или /pair approve &lt;канал&gt; &lt;код&gt;
usage-reject = Использование: /pair reject &lt;requestId&gt;
usage-deny = Использование: /pair deny &lt;код&gt; или /pair deny &lt;канал&gt; &lt;код | senderId&gt;
usage-revoke = Использование: /pair revoke &lt;deviceId&gt; или /pair revoke &lt;канал&gt; &lt;senderId&gt; [аккаунт]
usage-notify = Использование: /pair notify on | off | once | status
usage-simple = Использование: /pair { $sub } (без аргументов)

ended-dm =
    <b>Запрос на переписку</b>
    Канал: { $channel }
    Отправитель: <code>{ $identifier }</code>
    Имя: { $name }
ended-device =
    <b>Запрос на сопряжение устройства</b>
    Имя: { $name }
    Платформа: { $platform }
    Роль: { $role }
    Адрес: { $address }
ended-dm-short =
    <b>Запрос на переписку</b>
    Канал: { $channel }
    Отправитель: <code>{ $identifier }</code>
ended-device-short =
    <b>Запрос на сопряжение устройства</b>
    Имя: { $name }
    ID устройства: <code>{ $identifier }</code>
ended-unknown = Запрос <code>{ $id }</code>
outcome-cleanup = ❌ Отозвано: { $actor }, { $time }: код настройки аннулирован (/pair cleanup)
actor-owner-named = { $name }

digest-title = <b>Новые запросы на сопряжение: { $count }</b>
digest-line = { $n }. { $summary } · истекает { $expiresIn }
digest-line-ended = { $n }. { $summary }: { $outcome }
button-approve-n = Разрешить { $n }
button-deny-n = Отклонить { $n }

refusals-summary = ⚠️ На { $channel } отклонено ещё { $refused } { $refused ->
        [one] запрос
        [few] запроса
       *[many] запросов
    } за { $minutes ->
        [one] последнюю минуту
       *[other] последние { $minutes } мин.
    }: ожидающих уже слишком много. Для них ничего не сохранено, и отдельных уведомлений не будет.

device-revoked-line = Доступ отозван вами в { $time }.
device-gone = Это устройство (<code>{ $id }</code>) больше не сопряжено. Список сопряжённых: /pair devices.

timezone-current = Время показывается в поясе { $zone } (там сейчас { $time }). Изменить: /pair timezone Регион/Город, например /pair timezone Europe/Berlin.
timezone-set = Теперь время показывается в поясе { $zone }: там сейчас { $time }.
timezone-unknown = <code>{ $zone }</code> — не название часового пояса. Используйте Регион/Город, например Europe/Moscow, America/New_York или UTC.
usage-timezone = Использование: /pair timezone или /pair timezone &lt;Регион/Город&gt;

## Подключение устройств: адреса шлюза и доступ, сбой QR, разовое уведомление, состояние
pair-addresses = Адреса шлюза, в порядке попыток: { $urls }
pair-limited = Этот код подключает только узел без прав: один из адресов шлюза использует незашифрованный ws://.
pair-downgraded = Незашифрованный ws:// ограничен ради безопасности: чтобы подключить устройство оператора, используйте wss://.
pair-qr-failed = Не удалось отправить QR-код, поэтому его код настройки отозван: им никто не сможет воспользоваться. Отправьте /pair qr, чтобы попробовать снова.
pair-qr-armed = Ваши уведомления выключены: вы получите уведомление только о следующем запросе.
notify-once = Вы получите уведомление только о следующем запросе; потом они останутся выключенными.
notify-once-on = Push-уведомления уже включены: сообщается о каждом запросе.
notify-status-on = Push-уведомления включены: сообщается о каждом запросе.
notify-status-off = Push-уведомления выключены. /pair notify once сообщит только о следующем запросе.
notify-status-once = Push-уведомления выключены, но о следующем запросе будет сообщено (один раз).
card-auto-approved =
    <b>Устройство одобрено автоматически</b>
    Имя: { $name }
    Платформа: { $platform }
    Роль: { $role }
    Адрес: { $address }, в доверенном диапазоне { $cidr } (настройка device.autoApproveCidrs)
    ID устройства: <code>{ $deviceId }</code>
    Не ваше? Отзовите его.
status =
    <b>Состояние pairbot</b>
    Хранилище: { $store } ({ $backend })
    Лента изменений: { $feed }
    Ожидают: запросов устройств — { $devices }, запросов на переписку — { $dms }
    Последнее уведомление: { $lastAlert }
    Шлюз в кодах настройки:
    { $gateways }
status-backend-file = файл
status-backend-postgres = PostgreSQL
status-feed = { $mode }, последнее изменение { $age }
status-feed-quiet = { $mode }, изменений с запуска бота не было
status-feed-off = не запущена (push-уведомления не запущены)
status-feed-watching = отслеживает
status-feed-polling = опрашивает
status-feed-failing = сбой: { $error } ({ $age })
status-last-alert = { $age }, получатель: { $owner }
status-last-alert-none = не отправлялось
status-gateway-up = ✅ { $url } отвечает
status-gateway-down = ❌ { $url } не отвечает ({ $reason })
status-gateway-limited = Коды настройки подключают только узлы: один из адресов шлюза использует незашифрованный ws://.
