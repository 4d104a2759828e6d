from django.core.management.base import BaseCommand, CommandError

from playground.sandbox import services
from playground.sandbox.models import Order


class Command(BaseCommand):
    help = "Refund a processed sandbox order: status refunded, money back, proxy list gone."

    def add_arguments(self, parser):
        parser.add_argument("order_id")

    def handle(self, *args, order_id, **options):
        order = Order.objects.filter(pk=order_id).first() if _is_uuid(order_id) else None
        if order is None:
            raise CommandError(f"No sandbox order {order_id}.")
        if not services.refund(order.pk):
            order.refresh_from_db()  # refund() settles a due order first
            raise CommandError(f"Order {order_id} is {order.status}, not processed.")
        self.stdout.write(f"Refunded {order.pk}: {order.price:.2f} {order.currency} "
                          f"back to {order.account.name}.")


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
