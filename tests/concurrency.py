"""Two requests at the same moment, made to meet: the second runs while the first's writes are not
yet committed, as a request arriving a moment later would (use in a transaction=True test)."""

import threading
import time

from django.db import connection, transaction


def second_while_first_uncommitted(first, second, *, hold: float = 0.5) -> list:
    """Run `first()` in a transaction held open `hold` seconds after it returns, and `second()` as
    soon as `first()` has returned, each on its own connection. Returns [first's result, second's
    result]; the first exception either thread raised is raised here."""
    done, results, errors = threading.Event(), [None, None], []

    def run_first():
        try:
            with transaction.atomic():
                results[0] = first()
                done.set()
                time.sleep(hold)  # the second arrives while this one is not yet committed
        except Exception as exc:
            errors.append(exc)
        finally:
            done.set()
            connection.close()

    def run_second():
        try:
            done.wait(timeout=10)
            results[1] = second()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    if errors:
        raise errors[0]
    return results
