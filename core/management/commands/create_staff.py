from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.models import User
from core.roles import Role
from core.services.users import user_create, user_set_role


class Command(BaseCommand):
    help = "Create (or update) a portal user with a role: create_staff USERNAME --role ROLE [--township CODE] --password PW"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--township", help="division code, e.g. 350583113 (township roles)")
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="", help="full name shown in the portal")

    def handle(self, *args, username, role, township, password, name, **options):
        try:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = user_create(
                    username=username, password=password, role=role, township_code=township, full_name=name
                )
                verb = "created"
            else:
                user.set_password(password)
                if name:
                    user.first_name = name
                user.save()
                user_set_role(user=user, role=role, township_code=township)
                verb = "updated"
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        where = f" ({user.township})" if user.township_id else ""
        self.stdout.write(f"{verb} {username}: {user.get_role_display()}{where}")
