"""Deployment checks of the search service, in Chinese, for the people who run it.

`check --deploy` warns when the case index on the configured cluster is missing, out of reach,
or of another shape than this code builds (an upgrade changed its settings or mapping): such an
index shows no facets and refuses updates until it is rebuilt, which readers would otherwise
be the first to notice. Warnings, not errors: the rebuild that fixes them comes after the code
is deployed, and the WSGI start-up (portal.checks) does not ask the network.
"""

from django.conf import settings
from django.core import checks

TAG = "search_index"
REBUILD = "请运行 manage.py search_index --rebuild（重建期间搜索照常使用旧索引）。"


@checks.register(TAG, deploy=True)
def case_index_current(app_configs, **kwargs):
    if not settings.SEARCH_ENGINE_URL:
        return []
    # Imported here: this module is loaded at every start-up, the cluster's clients only when one is configured.
    from .engines.elasticsearch import connection, indexing

    alias = connection.case_alias()
    try:
        current = indexing.current_shape()
    except connection.ERRORS as error:
        return [
            checks.Warning(
                f"无法连接搜索服务 {settings.SEARCH_ENGINE_URL}：{error}",
                hint="请检查 SEARCH_ENGINE_URL 和搜索服务；连不上时搜索页会提示“搜索服务暂时不可用”。",
                id="search.W001",
            )
        ]
    if current is None:
        return [checks.Warning(f"案例索引 {alias} 尚未建立：搜索没有结果。", hint=REBUILD, id="search.W002")]
    if not current:
        return [
            checks.Warning(
                f"案例索引 {alias} 的结构与当前程序不同（升级前建立）：部分词语可能搜不到，分面可能缺失，案例更新会被拒绝。",
                hint=REBUILD,
                id="search.W003",
            )
        ]
    return []
