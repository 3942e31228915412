"""The domain of 山西省会计人员信息采集: models, status machine, reference data, rules, images.

Never imports flask, wtforms, flask_login, wechatpy or redis (checked by import-linter).
"""
