"""The OpenAPI schema is the contract REST clients generate code from, so it documents the errors
every operation can answer, not only its success: a client that reads the schema knows a 404 or a
400 comes back as JSON of one shape ({"detail", "code"} or the fields named, each with its messages).

Which codes an operation documents follows from what it is (the exception handler in
core/api/exceptions.py makes every one of them JSON):
- every operation: 401 (no or bad token), 403 (role without the right), 406 (an Accept the API cannot serve);
- with a path parameter: 404 (absent, or another jurisdiction's: the same answer);
- a list: 400 (a filter out of range) and 404 (a page past the end);
- a write: 400 (the fields named; a conflict is a 400 with its code), 413 (a body past the upload
  limit), 415 (not JSON or form data), and for a POST 503 (the job queue is down, where it queues work);
- the token endpoint: 429 (too many attempts, or the account is locked until a time it names).
"""

from drf_spectacular.openapi import AutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"description": "说明（中文）"},
        "code": {"type": "string", "description": "错误代码"},
    },
    "additionalProperties": True,
    "description": "错误：detail/code，或以字段名为键的错误信息列表",
}

_DESCRIPTIONS = {
    "400": "输入有误（字段及原因）",
    "401": "未登录或令牌无效",
    "403": "无权限",
    "404": "不存在或不在本人辖区",
    "406": "无法提供所请求的格式",
    "413": "请求体过大",
    "415": "不支持的内容类型",
    "429": "尝试过多或账户已锁定",
    "503": "任务队列暂时不可用",
}

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            responses.setdefault(code, self._error_response(code))
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["401", "403", "406"]
        has_path_params = "{" in self.path
        if has_path_params:
            codes.append("404")
        if self.method == "GET" and self._is_list_view():
            codes += ["400", "404"]
        if self.method in _WRITES:
            codes += ["400", "413", "415"]
            if self.method == "POST":
                codes.append("503")
        if self.path.endswith("/auth/token/"):
            codes.append("429")
        return codes

    def _error_response(self, code: str) -> dict:
        return {
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
            "description": _DESCRIPTIONS[code],
        }
