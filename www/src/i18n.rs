//! The interface in English or Chinese. Texts are written in English in the views and looked
//! up here; the Chinese follows the handbook's terms (主题别名, 遗嘱延迟间隔, ...) and keeps the
//! protocol's own names where the handbook does (QoS, Clean Start, No Local, Retain As
//! Published, Retain Handling). A text with no entry shows in English; a test checks that
//! every text the views ask for has one.

use serde::{Deserialize, Serialize};

/// A language of the interface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// The language tag, for `<html lang>` and the settings menu.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language with this tag.
    pub fn from_tag(tag: &str) -> Option<Self> {
        [Lang::En, Lang::Zh].into_iter().find(|l| l.tag() == tag)
    }
}

/// `english` in `lang`.
pub fn tr(lang: Lang, english: &'static str) -> &'static str {
    match lang {
        Lang::En => english,
        Lang::Zh => chinese(english).unwrap_or(english),
    }
}

/// The Chinese of one of the app's English texts, if it has one.
pub fn chinese(english: &str) -> Option<&'static str> {
    ZH.iter().find(|(en, _)| *en == english).map(|(_, zh)| *zh)
}

/// English → Chinese, for every text of the interface.
const ZH: &[(&str, &str)] = &[
    // The frame: panes, views and connection actions.
    ("Connections", "连接"),
    ("New Connection", "新建连接"),
    ("Search", "搜索"),
    ("Search connections", "搜索连接"),
    ("No connection matches.", "没有匹配的连接。"),
    ("Subscriptions", "订阅"),
    ("Messages", "消息"),
    ("Publish", "发布"),
    ("Topics", "主题"),
    ("Chart", "图表"),
    ("Packets", "报文"),
    ("Info", "信息"),
    ("View", "视图"),
    ("Edit", "编辑"),
    ("Duplicate", "复制"),
    ("Delete", "删除"),
    ("Connect", "连接"),
    ("Disconnect", "断开连接"),
    ("Connected", "已连接"),
    ("Disconnected", "已断开"),
    ("Connecting", "连接中"),
    ("Reconnecting", "重连中"),
    ("Settings", "设置"),
    ("Theme", "主题配色"),
    ("System", "跟随系统"),
    ("Light", "浅色"),
    ("Dark", "深色"),
    ("Language", "语言"),
    ("Auto Resubscribe", "自动重新订阅"),
    ("Max Reconnect Attempts", "最大重连次数"),
    ("Message Limit", "每个连接保留的消息数"),
    ("Export", "导出"),
    ("Import", "导入"),
    ("with passwords", "包含密码"),
    // The connection form.
    ("Connection settings", "连接设置"),
    ("General", "基础"),
    ("Advanced", "高级"),
    ("Name", "名称"),
    ("Protocol", "协议"),
    ("Host", "主机"),
    ("Port", "端口"),
    ("Path", "路径"),
    ("Client ID", "客户端 ID"),
    ("Regenerate Client ID", "重新生成客户端 ID"),
    ("Username", "用户名"),
    ("Password", "密码"),
    ("Remember password", "记住密码"),
    (
        "This page is served over https: the browser blocks ws:// connections from it (mixed content). Use wss://.",
        "本页面通过 https 提供：浏览器会阻止它发起 ws:// 连接（混合内容）。请改用 wss://。",
    ),
    (
        "ws:// is not encrypted: the username and password travel in clear text.",
        "ws:// 没有加密：用户名和密码以明文传输。",
    ),
    ("MQTT Version", "MQTT 版本"),
    ("Connect Timeout (s)", "连接超时（秒）"),
    ("Keep Alive", "保活周期（Keep Alive）"),
    ("Clean Start", "Clean Start"),
    ("Auto Reconnect", "自动重连"),
    ("Reconnect Period (ms)", "重连间隔（毫秒）"),
    ("Session Expiry Interval", "会话过期间隔（Session Expiry Interval）"),
    ("Receive Maximum", "接收最大值（Receive Maximum）"),
    ("Maximum Packet Size", "最大报文大小"),
    ("Topic Alias Maximum", "主题别名最大值"),
    ("Request Response Information", "请求响应信息"),
    ("Request Problem Information", "请求问题信息"),
    ("User Properties", "用户属性"),
    ("Enhanced Authentication (SCRAM-SHA-256)", "增强认证（SCRAM-SHA-256）"),
    (
        "The username and password prove themselves in the AUTH exchange; the password never goes to the broker.",
        "用户名和密码在 AUTH 交换中完成验证，密码本身不会发送给服务端。",
    ),
    ("Last Will", "遗嘱消息"),
    ("Will Topic", "遗嘱主题"),
    ("Will QoS", "遗嘱 QoS"),
    ("Will Retain", "遗嘱保留"),
    ("Will Payload", "遗嘱载荷"),
    ("Will Delay Interval", "遗嘱延迟间隔"),
    ("Will Message Expiry Interval", "遗嘱消息过期间隔"),
    ("Will Content Type", "遗嘱内容类型"),
    ("Will Payload Format Indicator (UTF-8)", "遗嘱载荷格式指示（UTF-8）"),
    ("Will Response Topic", "遗嘱响应主题"),
    ("Will Correlation Data", "遗嘱关联数据"),
    ("Will User Properties", "遗嘱用户属性"),
    // Subscriptions.
    ("New Subscription", "添加订阅"),
    ("Topic", "主题"),
    ("QoS", "QoS"),
    ("Alias", "别名"),
    ("Color", "颜色"),
    ("No Local", "No Local"),
    ("Retain As Published", "Retain As Published"),
    ("Retain Handling", "Retain Handling"),
    ("0: send retained", "0：发送保留消息"),
    ("1: only if new", "1：仅新订阅时发送"),
    ("2: never", "2：不发送"),
    ("Subscription Identifier", "订阅标识符"),
    ("Subscribe", "订阅"),
    ("waiting for SUBACK", "等待 SUBACK"),
    ("granted QoS", "已授予 QoS"),
    ("refused:", "被拒绝："),
    ("disabled", "已停用"),
    ("Enable", "启用"),
    ("Show only", "只显示"),
    ("Color of", "颜色："),
    ("Unsubscribe", "取消订阅"),
    // Messages.
    ("Message filter", "消息筛选"),
    ("All", "全部"),
    ("Received", "已接收"),
    ("Published", "已发布"),
    ("View as", "显示为"),
    ("messages", "条消息"),
    ("message", "条消息"),
    ("of", "/"),
    ("Clear", "清空"),
    ("Clear topic filter", "清除主题筛选"),
    ("Retained", "保留"),
    ("properties", "个属性"),
    ("Message details", "消息详情"),
    ("Copy", "复制"),
    ("Copied", "已复制"),
    ("Close details", "关闭详情"),
    ("Properties", "属性"),
    ("received", "接收于"),
    ("published", "发布于"),
    // Publish.
    ("Format", "格式"),
    ("Retain", "保留"),
    ("Payload", "载荷"),
    ("MQTT 5.0 Properties", "MQTT 5.0 属性"),
    ("Payload Format Indicator (UTF-8)", "载荷格式指示（UTF-8）"),
    ("Message Expiry Interval", "消息过期间隔"),
    ("Content Type", "内容类型"),
    ("Topic Alias", "主题别名"),
    ("Response Topic", "响应主题"),
    ("Correlation Data", "关联数据"),
    ("User Properties (key=value per line)", "用户属性（每行一个 key=value）"),
    ("Publish history", "发布历史"),
    ("History", "历史"),
    ("Send", "发送"),
    // Topics, chart, packets, info.
    ("Topic tree", "主题树"),
    ("messages on this topic and below", "条消息（含下级主题）"),
    ("Chart topic", "图表主题"),
    ("Choose a topic", "选择主题"),
    ("Choose a topic to plot its numbers.", "选择一个主题以绘制其数值。"),
    ("JSON field", "JSON 字段"),
    ("No numbers on this topic yet (try a JSON field).", "该主题还没有数值（可尝试 JSON 字段）。"),
    ("values", "个值"),
    ("last", "最新"),
    ("min", "最小"),
    ("max", "最大"),
    ("Time", "时间"),
    ("Dir", "方向"),
    ("Type", "类型"),
    ("Size", "大小"),
    ("Summary", "摘要"),
    ("sent", "发送"),
    ("Packet details", "报文详情"),
    ("Hex dump", "十六进制"),
    ("Connection info", "连接信息"),
    ("What the server granted", "服务端授予的能力"),
    ("Not connected yet.", "尚未连接。"),
    ("Last close:", "上次关闭："),
    ("Assigned by the server", "由服务端分配"),
    ("Session Present", "会话存在（Session Present）"),
    ("Maximum QoS", "最大 QoS"),
    ("Retain Available", "支持保留消息"),
    ("Wildcard Subscriptions", "支持通配符订阅"),
    ("Subscription Identifiers", "支持订阅标识符"),
    ("Shared Subscriptions", "支持共享订阅"),
    ("Response Information", "响应信息"),
    ("Reason String", "原因字符串"),
    ("yes", "是"),
    ("no", "否"),
    ("no limit", "无限制"),
    ("packets", "个报文"),
    ("Imported", "已导入"),
    ("connection", "个连接"),
    ("connections", "个连接"),
];
