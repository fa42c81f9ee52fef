"""Checks a config resolved by `docker-compose config` (run by check_docker.sh).

    compose_expect.py backup|schedule-default|secrets RESOLVED.yml

Prints "FAIL: ..." for each problem and exits 1 when there was any.
"""
import re
import sys

import yaml

PLACEHOLDER = re.compile(r"change|placeholder|example|xxx", re.IGNORECASE)
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def mounts(service):
    """(source, target, read_only) for each volume, in short or long syntax."""
    for v in service.get("volumes", []):
        if isinstance(v, str):
            parts = v.split(":")
            yield parts[0], parts[1], len(parts) > 2 and "ro" in parts[2].split(",")
        else:
            yield v.get("source"), v.get("target"), bool(v.get("read_only"))


def command(service):
    cmd = service.get("command", [])
    return cmd.split() if isinstance(cmd, str) else cmd


def check_backup(cfg):
    services = cfg.get("services", {})
    if sorted(services) != ["backup-monitor", "db-backup"]:
        fail(f"services are {sorted(services)}, want backup-monitor and db-backup")
        return
    if "backups" not in (cfg.get("volumes") or {}):
        fail("no named volume 'backups'")
    for name, want_ro in (("db-backup", False), ("backup-monitor", True)):
        s = services[name]
        found = [ro for src, dst, ro in mounts(s) if src == "backups" and dst == "/backups"]
        if not found:
            fail(f"{name} does not mount the volume backups at /backups")
        elif found[0] != want_ro:
            fail(f"{name} mounts backups {'read-write' if found[0] is False else 'read-only'}")
        if s.get("environment", {}).get("BACKUP_DIR") != "/backups":
            fail(f"{name}: BACKUP_DIR is not /backups, the volume")
        if s.get("restart") != "unless-stopped":
            fail(f"{name}: restart is {s.get('restart')}, want unless-stopped")
        if "build" not in s or not s.get("image"):
            fail(f"{name} has no build section and image name")
        for var in ("DB_PASSWORD", "SLACK_WEBHOOK_URL"):
            value = str(s.get("environment", {}).get(var) or "")
            if value and not PLACEHOLDER.search(value):
                fail(f"{name}: {var} from .env.example looks like a real value, not a placeholder")
    if command(services["db-backup"])[:1] != ["daemon"]:
        fail(f"db-backup runs {command(services['db-backup'])}, not the daemon")
    monitor = services["backup-monitor"]
    if command(monitor)[:1] != ["monitor"]:
        fail(f"backup-monitor runs {command(monitor)}, not monitor")
    test = " ".join((monitor.get("healthcheck") or {}).get("test") or [])
    if "myvault status" not in test:
        fail(f"backup-monitor has no healthcheck running `myvault status` (test: {test!r})")


def check_schedule_default(cfg):
    env = cfg["services"]["db-backup"].get("environment", {})
    if env.get("BACKUP_SCHEDULE") != "0 */6 * * *":
        fail(f"without BACKUP_SCHEDULE in .env the daemon gets {env.get('BACKUP_SCHEDULE')!r}")
    if env.get("BACKUP_BINLOG") != "true":
        fail(f"without BACKUP_BINLOG in .env the daemon gets {env.get('BACKUP_BINLOG')!r}, "
             "not the binlog archiver")


def check_secrets(cfg):
    s = cfg["services"]["db-backup"]
    if s.get("environment", {}).get("DB_PASSWORD_FILE") != "/run/secrets/db_password":
        fail("docker-compose.secrets.yml does not set DB_PASSWORD_FILE=/run/secrets/db_password")
    names = [x if isinstance(x, str) else x.get("source") for x in s.get("secrets", [])]
    if "db_password" not in names or "db_password" not in (cfg.get("secrets") or {}):
        fail("docker-compose.secrets.yml does not give db-backup the secret db_password")


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        cfg = yaml.safe_load(f)
    {"backup": check_backup, "schedule-default": check_schedule_default,
     "secrets": check_secrets}[mode](cfg)
    if not failures:
        print(f"checked: resolved compose config ({mode})")
    sys.exit(1 if failures else 0)


main()
