from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.identifiers import validate_person_name
from core.limits import check_text
from core.models import Division, User
from core.roles import TOWNSHIP_ROLES, Role


@transaction.atomic
def user_set_role(*, user: User, role: str, township_code: str | None = None) -> User:
    """Role, township, staff flags and group membership always change together."""
    if role not in Role.values:
        raise ValidationError({"role": [_("未知角色：%(r)s") % {"r": role}]})
    township = None
    if township_code:
        township = Division.objects.filter(code=township_code, level=Division.Level.TOWNSHIP).first()
        if township is None:
            raise ValidationError({"township": [_("未知的乡镇（街道）代码：%(c)s") % {"c": township_code}]})
    if role in TOWNSHIP_ROLES and township is None:
        raise ValidationError({"township": [_("该角色必须指定所属乡镇（街道）（--township 代码）。")]})
    if role in {Role.ADMIN, Role.STAFF, Role.LEADER} and township is not None:
        raise ValidationError({"township": [_("市级角色不属于某个乡镇（街道）。")]})
    user.role = role
    user.township = township
    user.is_superuser = role == Role.ADMIN
    user.is_staff = role == Role.ADMIN  # only admins reach the Django admin
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    township_code: str | None = None,
    full_name: str = "",
    email: str = "",
) -> User:
    errors = FieldErrors()
    if User.objects.filter(username=username).exists():
        errors.add("username", _("用户名 %(u)s 已存在。") % {"u": username})
    full_name = (full_name or "").strip()
    # The profile name is a person's name (with a title before it, as 洪濑镇经办人 陈志明), and is
    # refused when too long, never cut.
    check_text(errors, "full_name", full_name, max_length=User._meta.get_field("first_name").max_length)
    if full_name and "full_name" not in errors:
        try:
            validate_person_name(full_name)
        except ValidationError as exc:
            errors.add("full_name", exc.messages[0])
    errors.raise_if_any()
    user = User(username=username, first_name=full_name, email=email)
    validate_password(password, user)
    user.set_password(password)
    return user_set_role(user=user, role=role, township_code=township_code)
