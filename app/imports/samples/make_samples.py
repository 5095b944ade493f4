"""Writes the sample workbooks beside this file (run: .venv/bin/python app/imports/samples/make_samples.py).
They fit the demo district of `make run` (越秀区, 北京街道 …, the unit 区税务局)."""
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
SAMPLES = {
    "places": (["区", "街道", "社区", "网格"], [
        ["越秀区", "北京街道", "仓边社区", "第四网格"],
        ["越秀区", "东山街道", "农林社区", "第一网格"],
        ["越秀区", "东山街道", "农林社区", "第二网格"],
        ["越秀区", "东山街道", "龟岗社区"]]),
    "units": (["单位名称", "单位类型", "街道", "报到社区", "可提供资源"], [
        ["区税务局", "机关", "北京街道", "仓边社区", "税务咨询、志愿者5人"],
        ["区城市管理局", "机关", "北京街道", "都府社区", "环境整治、志愿者10人"],
        ["区妇幼保健院", "事业单位", "北京街道", "仓边社区", "义诊"]]),
    "members": (["姓名", "手机号", "单位", "街道", "社区", "网格", "居住地址", "个人特长", "作息时间"], [
        ["陈志强", "158 0000 0001", "区税务局", "北京街道", "仓边社区", "第一网格", "仓边路12号",
         "理发、维修", "周末"],
        ["林晓红", "+86 158-0000-0002", "区税务局", "北京街道", "仓边社区", "第二网格", "仓边路30号",
         "法律咨询", "工作日晚上"],
        ["黄建国", "15800000003", "区税务局", "北京街道", "都府社区", "", "都府街8号", "", "随时"]]),
    "residents": (["姓名", "手机号", "街道", "社区", "网格", "居住地址"], [
        ["何婆婆", "15900000001", "北京街道", "仓边社区", "第一网格", "仓边路5号"],
        ["郑伯", "15900000002", "北京街道", "都府社区", "", "都府街20号"]]),
    "households": (["街道", "社区", "户主姓名", "地址", "困难情况"], [
        ["北京街道", "仓边社区", "何婆婆", "仓边路5号", "独居老人，行动不便"],
        ["北京街道", "都府社区", "郑伯", "都府街20号", "低保户"]]),
}


def main() -> None:
    for kind, (header, rows) in SAMPLES.items():
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = kind
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        workbook.save(HERE / f"{kind}.xlsx")


if __name__ == "__main__":
    main()
