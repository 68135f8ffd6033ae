from django.contrib import admin

from indicators.models import BaseStatistic, Indicator, KeyProject, PreviousPlanResult, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    can_delete = False


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["no", "name_zh", "unit", "baseline_2020", "attribute", "owner_app"]
    list_filter = ["attribute", "owner_app"]
    inlines = [TargetInline]


@admin.register(PreviousPlanResult)
class PreviousPlanResultAdmin(admin.ModelAdmin):
    list_display = ["no", "name_zh", "unit", "value_2015", "target_2020", "actual_2020", "note"]


@admin.register(KeyProject)
class KeyProjectAdmin(admin.ModelAdmin):
    list_display = ["no", "category", "name", "measurable_target"]


@admin.register(BaseStatistic)
class BaseStatisticAdmin(admin.ModelAdmin):
    list_display = ["year", "township", "resident_population", "population_60_plus", "households", "source"]
    list_filter = ["year"]
