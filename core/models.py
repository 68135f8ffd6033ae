from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import AuditHistory

from .identifiers import validate_id_number
from .jurisdiction import JurisdictionQuerySet
from .limits import date_range_constraint
from .roles import TOWNSHIP_ROLES, Role

NANAN_CITY_CODE = "350583"


class Division(models.Model):
    """GB/T 2260 and statistical division codes: city (6 digits) > township (9) > village (12)."""

    class Level(models.TextChoices):
        CITY = "city", _("市")
        TOWNSHIP = "township", _("乡镇（街道）")
        VILLAGE = "village", _("村（社区）")

    class Kind(models.TextChoices):
        CITY = "city", _("县级市")
        STREET = "street", _("街道")
        TOWN = "town", _("镇")
        TOWNSHIP = "township", _("乡")
        DEVELOPMENT_ZONE = "development_zone", _("开发区")
        VILLAGE = "village", _("村")
        COMMUNITY = "community", _("社区")

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    #: The plan counts 26 township-level divisions; the development zone is a statistical unit only.
    in_plan = models.BooleanField(_("计入规划26个乡镇（街道）"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level="city", parent__isnull=True)
                    | Q(level="township", parent__isnull=False)
                    | Q(level="village", parent__isnull=False)
                ),
                name="division_parent_by_level",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        lengths = {self.Level.CITY: 6, self.Level.TOWNSHIP: 9, self.Level.VILLAGE: 12}
        expected = lengths.get(self.level)
        if expected and (len(self.code) != expected or not self.code.isdigit()):
            raise ValidationError(
                {"code": _("%(level)s代码应为%(n)d位数字。") % {"level": self.get_level_display(), "n": expected}}
            )
        if self.parent_id and not self.code.startswith(self.parent_id):
            raise ValidationError({"code": _("代码应以上级代码 %(p)s 开头。") % {"p": self.parent_id}})


def division_key(**options) -> models.ForeignKey:
    """A foreign key to a division (a township's or village's code), protected and with no reverse
    accessor unless named. It makes no index of its own: for a character key Django makes two, a
    plain one and a LIKE pattern one, and no one asks LIKE of a code. The model's Meta names the
    index its lists read instead, a composite one leading with the code where there is one
    (tests/core/test_schema_indexes.py holds every model to that). Each index is paid for on every
    insert, and people, households, cases and payment lines arrive by the hundred thousand."""
    options.setdefault("on_delete", models.PROTECT)
    options.setdefault("related_name", "+")
    return models.ForeignKey(Division, db_index=False, **options)


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, db_index=True)
    township = division_key(
        null=True, blank=True, limit_choices_to={"level": Division.Level.TOWNSHIP}, verbose_name=_("所属乡镇（街道）")
    )
    #: Moves whenever what this user may do changes (their groups, their own permissions, their
    #: groups' permissions): the permission set cached under it (core.backends) is then never read
    #: again, in any process, from the next request on.
    perms_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        indexes = [models.Index(fields=["township"], name="user_township")]
        permissions = [
            ("view_full_id_number", _("查看完整身份证号")),
            ("view_full_name", _("查看完整姓名")),
            ("view_full_phone", _("查看完整联系电话")),
            ("view_full_address", _("查看完整住址")),
            ("view_full_bank_account", _("查看完整银行账号")),
            ("view_full_birth_date", _("查看完整出生日期")),
            ("export_personal_data", _("导出个人信息")),
            ("import_data", _("导入数据")),
            ("manage_users", _("管理用户")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in TOWNSHIP_ROLES)) | Q(township__isnull=False),
                name="user_township_role_has_township",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def top_bar_label(self) -> str:
        """Who is signed in, saying the role and township only where the name does not already
        ("局业务人员 王丽", not "局业务人员 王丽 · 局业务人员"; "水头镇经办人 林建国", not "… · 乡镇（街道）经办人 · 水头镇")."""
        name = str(self)
        role = str(self.get_role_display())
        parts = [name]
        if role not in name and role.split("）")[-1] not in name:
            parts.append(role)
        if self.township_id and self.township.name not in name:
            parts.append(self.township.name)
        return " · ".join(parts)

    def clean(self):
        super().clean()
        if self.role in TOWNSHIP_ROLES and not self.township_id:
            raise ValidationError({"township": _("乡镇（街道）经办人和村（居）协理员必须指定所属乡镇（街道）。")})

    @property
    def is_city_level(self) -> bool:
        """Sees the whole city: admins, bureau staff, leaders, and API clients without a township."""
        if self.is_superuser:
            return True
        if self.role in TOWNSHIP_ROLES:
            return False
        return self.township_id is None

    def save(self, *args, **kwargs):
        # perms_version is only ever moved in the database (core.backends.perms_moved): a full save
        # of an instance read before a move must not write the old version back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "perms_version"
            ]
        # A new password (the password page, the admin, create_staff) also ends the account's API
        # tokens: one taken with the old password stops working, as the other browser sessions do.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user=self).delete()


#: What the form, the API, the import and the admin say of an ID number someone else has.
ID_NUMBER_TAKEN = _("系统中已有此身份证号的人员。")


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Hukou(models.TextChoices):
        URBAN = "urban", _("城镇")
        RURAL = "rural", _("农村")

    class Disability(models.TextChoices):
        NONE = "", _("无")
        VISUAL = "visual", _("视力残疾")
        HEARING = "hearing", _("听力残疾")
        SPEECH = "speech", _("言语残疾")
        PHYSICAL = "physical", _("肢体残疾")
        INTELLECTUAL = "intellectual", _("智力残疾")
        MENTAL = "mental", _("精神残疾")
        MULTIPLE = "multiple", _("多重残疾")

    name = models.CharField(_("姓名"), max_length=50)
    #: Null only for a person whose identity is not (yet) known: a rescued vagrant, an unknown deceased.
    # Unique by person_id_number_unique (Meta), whose one index also serves an ID prefix search; null,
    # not "", so that any number of people without one are not the same number twice.
    id_number = models.CharField(  # noqa: DJ001
        _("身份证号"), max_length=18, null=True, blank=True, validators=[validate_id_number]
    )
    id_note = models.CharField(_("身份证号备注"), max_length=200, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Indexed by the composite indexes below, which lead with the township (a 1.5-million-row table
    # pays for every index on each insert: an import, the demo, the city's data set).
    township = division_key(verbose_name=_("户籍乡镇（街道）"), null=True, blank=True)
    village = division_key(null=True, blank=True, verbose_name=_("户籍村（社区）"))
    hukou = models.CharField(_("户籍类型"), max_length=10, choices=Hukou.choices, default=Hukou.RURAL)
    disability_category = models.CharField(
        _("残疾类别"), max_length=20, choices=Disability.choices, blank=True, default=Disability.NONE
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("残疾等级"), null=True, blank=True, choices=[(g, _("%d级") % g) for g in range(1, 5)]
    )
    date_of_death = models.DateField(_("死亡日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = AuditHistory(excluded_fields=["updated_at"])
    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        indexes = [
            models.Index(fields=["township", "-id"], name="person_township_recent"),
            # Name and ID searches are prefix searches (surname first; ID from the left). The
            # pattern opclasses let PostgreSQL use the index for LIKE 'x%' under any collation.
            models.Index(
                fields=["township", "name"],
                name="person_township_name",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["name"], name="person_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["village"], name="person_village"),  # no LIKE on codes: no pattern index
            # The people page's default: the living by township, village and registration.
            models.Index(
                fields=["township", "village", "id"],
                name="person_living_by_village",
                condition=models.Q(date_of_death__isnull=True),
            ),
            # The deceased, by date (a few per cent of the registry): "alive on a day" becomes "not
            # among those who died by then", an anti-join over this small index instead of a read of
            # every person (a list of 116,000 people alive on a day read all 1.5 million).
            models.Index(
                fields=["date_of_death", "id"],
                name="person_deceased",
                condition=models.Q(date_of_death__isnull=False),
            ),
        ]
        constraints = [
            # One index both keeps an ID number to one person and serves an ID prefix search
            # (LIKE '350583%' under any collation): a unique field gets two from Django, a plain
            # unique one and a pattern one, and each costs every person an import writes.
            # person_validate checks it first, with the message every door gives.
            models.UniqueConstraint(
                fields=["id_number"],
                name="person_id_number_unique",
                opclasses=["varchar_pattern_ops"],
                violation_error_message=ID_NUMBER_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True) | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="person_disability_grade_1_4",
            ),
            date_range_constraint("birth_date", name="person_birth_date_plausible"),
            date_range_constraint("date_of_death", name="person_date_of_death_plausible"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_deceased(self) -> bool:
        return self.date_of_death is not None


class Household(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("户主")
        SPOUSE = "spouse", _("配偶")
        CHILD = "child", _("子女")
        PARENT = "parent", _("父母")
        GRANDCHILD = "grandchild", _("孙子女")
        GRANDPARENT = "grandparent", _("祖父母")
        SIBLING = "sibling", _("兄弟姐妹")
        CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
        OTHER = "other", _("其他")

    head = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("户主"))
    township = division_key(verbose_name=_("乡镇（街道）"))
    village = division_key(null=True, blank=True, verbose_name=_("村（社区）"))
    address = models.CharField(_("住址"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = AuditHistory(excluded_fields=["updated_at"])
    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭")
        verbose_name_plural = _("家庭")
        indexes = [
            models.Index(fields=["township", "-id"], name="household_township_recent"),
            models.Index(fields=["village"], name="household_village"),
        ]

    def __str__(self):
        return _("%(name)s户") % {"name": self.head.name}


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("家庭"))
    #: A person belongs to one household at a time.
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="membership", verbose_name=_("成员"))
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Household.Relation.choices)

    history = AuditHistory()
    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "household__township"

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(relation="head"), name="household_one_head"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_relation_display()})"


class AccessLog(models.Model):
    """Who saw a full ID number or exported personal data, and when."""

    class Action(models.TextChoices):
        VIEW_FULL_ID = "view_full_id", _("查看完整身份证号")
        EXPORT = "export", _("导出个人信息")
        IMPORT = "import", _("导入数据")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("用户")
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=50)
    object_ids = models.JSONField(_("对象ID"), default=list, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人信息访问日志")
        verbose_name_plural = _("个人信息访问日志")
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "-at"], name="accesslog_user_recent")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()}"


class ImportJob(models.Model):
    """One uploaded spreadsheet: its rows are validated together and saved all or none."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已导入")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("导入类型"), max_length=50)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    #: The digest (SHA-256, under the limits then in force: core.spreadsheets.file_digest) of the file
    #: as the upload's inspection passed it: the worker reads bytes with this digest without
    #: inspecting them again; any other bytes, or the same under other limits, are inspected.
    inspected_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    original_name = models.CharField(_("原文件名"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已检查行数"), default=0)
    created_rows = models.PositiveIntegerField(_("新增行数"), default=0)
    #: Rows written so far, told while the import's transaction is still open (core.imports).
    saved_rows = models.PositiveIntegerField(_("已写入行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    message = models.CharField(_("结果说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    township = division_key(null=True, blank=True, verbose_name=_("乡镇（街道）"))
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    #: The lease (core.jobs): a running job beats; one silent past the lease lost its worker.
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["township"], name="importjob_township")]

    def __str__(self):
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.state in {self.State.DONE, self.State.REJECTED, self.State.FAILED} else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def saved_percent(self) -> int:
        """The write's progress: the rows written so far (a streamed import writes each chunk of
        good rows while it checks the next, and rolls them back if a later row is bad)."""
        if self.state == self.State.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.saved_rows / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.REJECTED, self.State.FAILED}


class PaymentBatch(models.Model):
    """One programme's payment list for one month (the shared payment-list engine, core/payments.py).

    A draft is rebuilt from the programme's entitlements as often as needed; once approved it is
    frozen and is what the bank file is made from. (programme, month) is unique, so a month is
    never paid twice."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        APPROVED = "approved", _("已审定")

    class BuildState(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已生成")
        FAILED = "failed", _("生成失败")

    program = models.CharField(_("项目"), max_length=40)
    month = models.DateField(_("发放月份"), help_text=_("当月第一天"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    line_count = models.PositiveIntegerField(_("发放户数"), default=0)
    people_count = models.PositiveIntegerField(_("保障人数"), default=0)
    total_amount = models.DecimalField(_("发放总额（元）"), max_digits=14, decimal_places=2, default=Decimal("0"))
    built_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    built_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("生成人")
    )
    #: The build as a job (core.jobs): requested → running (with a heartbeat) → done or failed with
    #: its reason; a build whose worker died is failed once its lease expires and can be requested again.
    build_state = models.CharField(
        _("生成状态"), max_length=10, choices=BuildState.choices, default=BuildState.DONE, db_index=True
    )
    build_requested_at = models.DateTimeField(_("请求生成时间"), null=True, blank=True)
    build_requested_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("请求生成人")
    )
    build_started_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    build_heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    build_error = models.CharField(_("生成失败原因"), max_length=500, blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审定人")
    )
    #: Moves with every change a REST client reads (building, approving), also those made with update().
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("发放批次")
        verbose_name_plural = _("发放批次")
        ordering = ["-month", "program"]
        constraints = [
            models.UniqueConstraint(fields=["program", "month"], name="payment_batch_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="payment_batch_month_first_day"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(approved_at__isnull=False), name="payment_batch_approved_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.program} {self.month:%Y-%m}"

    @property
    def is_frozen(self) -> bool:
        return self.state == self.State.APPROVED


class PaymentLine(models.Model):
    """One payee's line in a batch, traceable to the record that entitles it (source) and to the
    basis of the amount (standard used, members counted, members left out and why)."""

    # The batch leads both composite indexes below; township and village codes are never searched with
    # LIKE, so they get plain indexes only (a build COPYs tens of thousands of lines into these).
    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.CASCADE, related_name="lines", verbose_name=_("批次"), db_index=False
    )
    source_type = models.CharField(_("来源类型"), max_length=40)
    source_id = models.BigIntegerField(_("来源编号"))
    payee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("收款人"))
    township = division_key(verbose_name=_("乡镇（街道）"))
    village = division_key(null=True, blank=True, verbose_name=_("村（社区）"))
    category = models.CharField(_("类别"), max_length=40)
    members = models.PositiveSmallIntegerField(_("保障人数"))
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)
    basis = models.JSONField(_("计算依据"), default=dict, blank=True)
    #: A one-off entitlement (e.g. temporary assistance) is paid by exactly one batch of any month:
    #: the database refuses a second line for the same source (payment_line_one_off_once).
    one_off = models.BooleanField(_("一次性发放"), default=False)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("发放明细")
        verbose_name_plural = _("发放明细")
        constraints = [
            models.UniqueConstraint(fields=["batch", "source_type", "source_id"], name="payment_line_once_per_batch"),
            models.UniqueConstraint(
                fields=["source_type", "source_id"], condition=Q(one_off=True), name="payment_line_one_off_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_line_amount_positive"),
        ]
        indexes = [
            # A batch's lines in the order every list of them reads them (core.paginators.LateRows):
            # a page's keys come from this index alone, and a batch's totals by township and category
            # are summed from it too, from the columns it carries (grouped by the township's code:
            # core.payments.with_township_names adds the names).
            models.Index(
                fields=["batch", "township", "village", "id"],
                include=["category", "members", "amount"],
                name="payment_line_batch_order",
            ),
            models.Index(fields=["township"], name="payment_line_township"),
            models.Index(fields=["village"], name="payment_line_village"),
        ]

    def __str__(self):
        return f"{self.batch} · {self.payee} · {self.amount}"
