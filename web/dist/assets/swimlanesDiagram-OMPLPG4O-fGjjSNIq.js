import{r as e,t}from"./chunk-QB3YPZ4I-B6I0mGG3.js";import"./chunk-TU62E6Q5-Bz-i7Lwc.js";import"./mermaid.core-BQ8_Y0BT.js";import"./chunk-HFQBQIA3-SXODLa_X.js";import"./chunk-M57EVK23-CCPm9yuk.js";import"./chunk-DQASFODM-LH5zAaLQ.js";import"./chunk-LEVMRMFU-CQ2Z5LyR.js";import"./chunk-AXFCVDMN-lowCIva5.js";import"./chunk-X4PVCEUW-CO3KI7EO.js";import"./chunk-STOXU5M4-BZond2b8.js";import"./chunk-R3KSYZAL-BkxTJrPC.js";import"./chunk-6MUBBAK2-ygJhrX6m.js";import"./chunk-BG4553SI-Td_BtQQW.js";import"./d3-selection-C7T9haOF.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};